"""Builders for the subscriptions tests: a signed contract, dwellings with leases, dated statuses."""

import datetime
from decimal import Decimal

from django.utils import timezone

from charter.kinds import ensure_default_kinds
from charter.models import Commitment, CommitmentKind
from leases.models import Lease, Lodging, Residence
from operators.models import Bid, Contract, ContractState, Tender
from subscriptions.models import (
    ChargeSetting,
    EventSource,
    LeaseOptIn,
    LegalBasis,
    Subscription,
    SubscriptionEvent,
    SubscriptionStatus,
)
from tests.charter.factories import invite, make_charter, sign


def residence(landlord, qpv=None, name=None, commune="86194"):
    name = name or f"Résidence {Residence.objects.count() + 1}"
    return Residence.objects.create(
        landlord=landlord, group_key=name.upper(), name=name, commune=commune, commune_name="Poitiers", qpv=qpv
    )


def dwellings(residence, count, *, leased=True, lease_start=datetime.date(2020, 1, 1), area=None):
    """`count` dwellings of `residence` (bulk), each let from `lease_start` when `leased`."""
    start = Lodging.objects.count()
    Lodging.objects.bulk_create(
        Lodging(
            landlord=residence.landlord,
            residence=residence,
            rpls_id=f"S{start + i:09d}",
            internal_id=f"INT-{start + i}",
            commune=residence.commune,
            commune_name=residence.commune_name,
            street_name="RUE DES TESTS",
            qpv=residence.qpv,
            living_area=area,
        )
        for i in range(count)
    )
    lodgings = list(Lodging.objects.filter(residence=residence).order_by("pk"))[-count:]
    if leased:
        Lease.objects.bulk_create(
            Lease(lodging=lodging, reference=f"BAIL-{lodging.rpls_id}", start=lease_start) for lodging in lodgings
        )
    return lodgings


def contract(landlord, operator, residences, *, price="8.90", vat="20.00", start=datetime.date(2025, 1, 1), end=None):
    """An active contract (signed by both) over `residences`, priced `price` HT per dwelling and month."""
    n = Tender.objects.count() + 1
    tender = Tender.objects.create(
        landlord=landlord,
        reference=f"MARCHE-{n:03d}",
        title="Internet dans les charges",
        estimated_value_ht=Decimal("90000"),
    )
    bid = Bid.objects.create(
        tender=tender,
        operator=operator,
        unit_price_ht=Decimal(price),
        vat_rate=Decimal(vat),
        download_mbps=1000,
        upload_mbps=500,
    )
    made = Contract.objects.create(
        tender=tender,
        bid=bid,
        landlord=landlord,
        operator=operator,
        reference=tender.reference,
        unit_price_ht=Decimal(price),
        vat_rate=Decimal(vat),
        installation_fee_ht=Decimal(0),
        duration_months=48,
        earliest_signature_at=timezone.now() - datetime.timedelta(days=400),
    )
    made.residences.set(residences)
    end = end or datetime.date(start.year + 4, start.month, start.day) - datetime.timedelta(days=1)
    Contract.objects.filter(pk=made.pk).update(state=ContractState.ACTIVE, start=start, end=end)
    return Contract.objects.get(pk=made.pk)


def subscribe(contract, lodging, *steps):
    """A subscription with dated statuses: subscribe(c, l, ("active", date(2025, 3, 10)), ...)."""
    subscription = Subscription.objects.create(contract=contract, lodging=lodging)
    SubscriptionEvent.objects.create(
        subscription=subscription, status="planned", effective_date=contract.start, source=EventSource.ROLLOUT
    )
    for status, day in steps:
        SubscriptionEvent.objects.create(
            subscription=subscription, status=status, effective_date=day, source=EventSource.OPERATOR_REPORT
        )
    subscription.refresh_status()
    return subscription


def activate_all(contract, lodgings, day):
    return [subscribe(contract, lodging, (SubscriptionStatus.ACTIVE, day)) for lodging in lodgings]


def collective(residence, since=datetime.date(2025, 1, 1), by=None):
    return LegalBasis.record_agreement(
        residence=residence, signed_on=since, associations="CNL, CLCV", effective_from=since, by=by
    )


def opt_in_basis(residence, since=datetime.date(2025, 1, 1), by=None):
    return LegalBasis.adopt_opt_in(residence=residence, effective_from=since, by=by)


def opt_in(lease, day, out=None):
    return LeaseOptIn.objects.create(lease=lease, opted_in_on=day, opted_out_on=out)


def share(residence, percent, since=datetime.date(2025, 1, 1), key="per_dwelling"):
    return ChargeSetting.objects.create(
        residence=residence, valid_from=since, landlord_share_percent=Decimal(percent), allocation_key=key
    )


def ceiling(landlord, amount, *, city, city_admin, admin, qpvs, starts_on=datetime.date(2025, 1, 1)):
    """`landlord` signs a charter of `city` committing to charge tenants at most `amount` € TTC a month."""
    ensure_default_kinds()
    charter = make_charter(city, by=city_admin, qpvs=qpvs, publish=True)
    signature = sign(invite(charter, landlord, by=city_admin), admin)
    return Commitment.objects.create(
        signature=signature,
        kind=CommitmentKind.objects.get(code="tenant_charge_ceiling"),
        target_value=Decimal(amount),
        due_date=datetime.date(2030, 12, 31),
        starts_on=starts_on,
    )


def report_file(rows, name="rapport.csv"):
    """An operator's report as an upload; rows: lists of cells, the header first."""
    import csv
    import io

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    if name.endswith(".csv"):
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
        content = buffer.getvalue().encode("utf-8")
    else:
        workbook = openpyxl.Workbook()
        for row in rows:
            workbook.active.append(row)
        stream = io.BytesIO()
        workbook.save(stream)
        content = stream.getvalue()
    return SimpleUploadedFile(name, content)


REPORT_HEADER = ["IDENT_REP", "STATUT", "DATE_EFFET", "NUMERO_SERIE", "MOTIF"]
