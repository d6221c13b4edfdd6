"""The money rules (subscriptions/charges.py), on hand-computed examples.

The contract costs 8,90 € HT + 20 % VAT = 10,68 € TTC a dwelling a month; with the landlord
bearing 75 %, a tenant pays 2,67 € TTC a full month.
"""

import datetime
from decimal import Decimal

from leases.models import Lease, Lodging
from subscriptions.charges import Charges, div_half_up, months_between
from subscriptions.models import OperatorInvoice

from . import factories

D = datetime.date


def lease_months(landlord, start, end):
    return Charges(Lodging.objects.filter(landlord=landlord), start, end).lease_months()


def provisions(landlord, start, end):
    """{lease reference: [provision in cents per month]}"""
    references = dict(Lease.objects.values_list("pk", "reference"))
    return {references[k]: [m.provision for m in v] for k, v in lease_months(landlord, start, end).items()}


def test_half_up_rounding_of_whole_numbers():
    assert [div_half_up(n, 2) for n in (1, 3, 5, 4)] == [1, 2, 3, 2]
    assert div_half_up(798, 28) == 29  # 28,5 cents -> 29, not 28 (banker's rounding)


def test_months_between_spans_years():
    assert [m.key for m in months_between(D(2024, 11, 15), D(2025, 2, 1))] == [
        "2024-11",
        "2024-12",
        "2025-01",
        "2025-02",
    ]
    assert months_between(D(2024, 2, 1), D(2024, 2, 1))[0].days == 29


def test_no_charge_without_a_legal_basis(landlord, contract, tilleuls, tilleuls_dwellings):
    factories.activate_all(contract, tilleuls_dwellings, D(2025, 1, 1))
    factories.share(tilleuls, 75)
    lines = lease_months(landlord, D(2025, 3, 1), D(2025, 3, 31))
    assert len(lines) == 4
    assert all(m.provision == 0 and m.actual == 0 and m.chargeable_days == 0 for v in lines.values() for m in v)


def test_a_collective_agreement_charges_every_lease_its_share(landlord, contract, tilleuls, tilleuls_dwellings):
    factories.activate_all(contract, tilleuls_dwellings, D(2025, 1, 1))
    factories.share(tilleuls, 75)
    factories.collective(tilleuls)
    found = provisions(landlord, D(2025, 3, 1), D(2025, 4, 30))
    assert sorted(found.values()) == [[267, 267]] * 4


def test_without_a_setting_nothing_is_charged(landlord, contract, tilleuls, tilleuls_dwellings):
    factories.activate_all(contract, tilleuls_dwellings, D(2025, 1, 1))
    factories.collective(tilleuls)
    assert set(map(tuple, provisions(landlord, D(2025, 3, 1), D(2025, 3, 31)).values())) == {(0,)}


def test_opt_in_charges_only_the_leases_that_opted_in(landlord, contract, tilleuls, tilleuls_dwellings):
    factories.activate_all(contract, tilleuls_dwellings, D(2025, 1, 1))
    factories.share(tilleuls, 75)
    factories.opt_in_basis(tilleuls)
    first, second, *_ = Lease.objects.filter(lodging__in=tilleuls_dwellings).order_by("pk")
    factories.opt_in(first, D(2025, 1, 1))
    factories.opt_in(second, D(2025, 3, 17))  # from the 17th: 15 days of 31
    found = provisions(landlord, D(2025, 3, 1), D(2025, 3, 31))
    assert found[first.reference] == [267]
    assert found[second.reference] == [div_half_up(267 * 15, 31)] == [129]
    assert sorted(found.values())[:2] == [[0], [0]]


def test_an_opt_out_stops_the_charge_from_that_day(landlord, contract, tilleuls, tilleuls_dwellings):
    factories.activate_all(contract, tilleuls_dwellings[:1], D(2025, 1, 1))
    factories.share(tilleuls, 75)
    factories.opt_in_basis(tilleuls)
    lease = Lease.objects.get(lodging=tilleuls_dwellings[0])
    factories.opt_in(lease, D(2025, 1, 1), out=D(2025, 3, 11))  # charged 1-10 March
    assert provisions(landlord, D(2025, 3, 1), D(2025, 3, 31))[lease.reference] == [div_half_up(267 * 10, 31)]


def test_february_of_a_leap_year_counts_29_days(landlord, contract, tilleuls, tilleuls_dwellings):
    factories.share(tilleuls, 75, since=D(2024, 1, 1))
    factories.collective(tilleuls, since=D(2024, 1, 1))
    contract.__class__.objects.filter(pk=contract.pk).update(start=D(2024, 1, 1))
    contract.refresh_from_db()
    factories.subscribe(contract, tilleuls_dwellings[0], ("active", D(2024, 2, 15)))  # 15 of 29 days
    lease = Lease.objects.get(lodging=tilleuls_dwellings[0])
    found = provisions(landlord, D(2024, 2, 1), D(2024, 3, 31))[lease.reference]
    assert found == [138, 267]  # 2,67 × 15 / 29 = 1,381… -> 1,38 € (with 28 days it would be 1,43 €)


def test_start_and_end_in_the_same_month(landlord, contract, tilleuls):
    factories.share(tilleuls, 75)
    factories.collective(tilleuls)
    (lodging,) = factories.dwellings(tilleuls, 1, leased=False)
    lease = Lease.objects.create(lodging=lodging, reference="BAIL-COURT", start=D(2025, 3, 10), end=D(2025, 3, 20))
    factories.subscribe(contract, lodging, ("active", D(2025, 1, 1)))
    (line,) = lease_months(landlord, D(2025, 3, 1), D(2025, 3, 31))[lease.pk]
    assert (line.leased_days, line.chargeable_days, line.provision) == (11, 11, 95)  # 2,67 × 11 / 31 = 0,947…


def test_service_on_and_off_in_the_same_month(landlord, contract, tilleuls, tilleuls_dwellings):
    factories.share(tilleuls, 75)
    factories.collective(tilleuls)
    lodging = tilleuls_dwellings[0]
    factories.subscribe(contract, lodging, ("active", D(2025, 4, 10)), ("terminated", D(2025, 4, 21)))
    lease = Lease.objects.get(lodging=lodging)
    (line,) = lease_months(landlord, D(2025, 4, 1), D(2025, 4, 30))[lease.pk]
    assert (line.chargeable_days, line.provision) == (11, div_half_up(267 * 11, 30)) == (11, 98)


def test_half_a_cent_rounds_up(landlord, contract, tilleuls, tilleuls_dwellings):
    factories.share(tilleuls, "75.09")  # 10,68 × 24,91 % = 2,660… -> 2,66 € a month
    factories.collective(tilleuls)
    factories.subscribe(contract, tilleuls_dwellings[0], ("active", D(2025, 2, 26)))  # 3 days of 28
    lease = Lease.objects.get(lodging=tilleuls_dwellings[0])
    assert provisions(landlord, D(2025, 2, 1), D(2025, 2, 28))[lease.reference] == [29]  # 0,285 -> 0,29


def test_a_suspension_is_not_charged(landlord, contract, tilleuls, tilleuls_dwellings):
    factories.share(tilleuls, 75)
    factories.collective(tilleuls)
    lodging = tilleuls_dwellings[0]
    factories.subscribe(
        contract, lodging, ("active", D(2025, 1, 1)), ("suspended", D(2025, 6, 11)), ("active", D(2025, 6, 21))
    )
    lease = Lease.objects.get(lodging=lodging)
    assert provisions(landlord, D(2025, 6, 1), D(2025, 6, 30))[lease.reference] == [div_half_up(267 * 20, 30)]


def test_the_ceiling_caps_the_monthly_amount(
    landlord, contract, tilleuls, tilleuls_dwellings, city_admin, landlord_admin
):
    city = city_admin.memberships.get().organization
    factories.ceiling(landlord, "3.00", city=city, city_admin=city_admin, admin=landlord_admin, qpvs=[tilleuls.qpv])
    factories.share(tilleuls, 0)  # 10,68 € would be charged without the ceiling
    factories.collective(tilleuls)
    factories.activate_all(contract, tilleuls_dwellings[:1], D(2025, 1, 1))
    (line,) = next(iter(lease_months(landlord, D(2025, 3, 1), D(2025, 3, 31)).values()))
    assert (line.monthly_amount, line.provision, line.actual) == (300, 300, 300)


def test_the_invoice_is_shared_by_days_then_by_key(landlord, operator, contract, tilleuls, tilleuls_dwellings):
    """Two residences, 1 000 € TTC invoiced for March: shared by active days, then by living area."""
    factories.collective(tilleuls)
    factories.share(tilleuls, 50, key="living_area")
    other = factories.residence(landlord, tilleuls.qpv, "Le Clos")
    factories.collective(other)
    factories.share(other, 50)
    other_dwellings = factories.dwellings(other, 2)
    contract.residences.add(other)
    Lodging.objects.filter(pk=tilleuls_dwellings[0].pk).update(living_area=30)
    Lodging.objects.filter(pk=tilleuls_dwellings[1].pk).update(living_area=90)
    factories.activate_all(contract, tilleuls_dwellings[:2] + other_dwellings, D(2025, 1, 1))
    OperatorInvoice.objects.create(
        contract=contract, month=D(2025, 3, 1), reference="F-03", amount_ht=Decimal("1000"), vat_rate=Decimal("0")
    )
    rows = list(Charges(Lodging.objects.filter(landlord=landlord), D(2025, 3, 1), D(2025, 3, 31)).dwelling_months())
    cost = {row.lodging_id: row.cost for row in rows}
    # 4 dwellings active all month: 500 € per residence; Les Tilleuls by area (30 and 90 m²), Le Clos equally.
    assert cost[tilleuls_dwellings[0].pk] == 12500 and cost[tilleuls_dwellings[1].pk] == 37500
    assert cost[other_dwellings[0].pk] == cost[other_dwellings[1].pk] == 25000
    tenants = {row.lodging_id: row.tenants for row in rows}
    assert tenants[tilleuls_dwellings[0].pk] == 6250  # the tenant's half of the actual cost
    assert all(row.landlord_share == row.cost - row.tenants for row in rows)


def test_a_vacant_dwelling_is_borne_by_the_landlord(landlord, contract, tilleuls, tilleuls_dwellings):
    factories.share(tilleuls, 75)
    factories.collective(tilleuls)
    (vacant,) = factories.dwellings(tilleuls, 1, leased=False)
    contract.residences.add(tilleuls)
    factories.activate_all(contract, [vacant, tilleuls_dwellings[0]], D(2025, 1, 1))
    rows = {
        row.lodging_id: row
        for row in Charges(Lodging.objects.filter(landlord=landlord), D(2025, 3, 1), D(2025, 3, 31)).dwelling_months()
    }
    assert (rows[vacant.pk].cost, rows[vacant.pk].vacant, rows[vacant.pk].tenants, rows[vacant.pk].leases) == (
        1068,
        1068,
        0,
        [],
    )
    let = rows[tilleuls_dwellings[0].pk]
    assert (let.cost, let.tenants, let.landlord_share, let.vacant) == (1068, 267, 801, 0)
