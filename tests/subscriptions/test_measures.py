"""The charter's commitments measured from subscriptions (registered in charter/measures.py)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from charter.kinds import ensure_default_kinds
from charter.measures import measure_of, measures_of
from charter.models import Commitment, CommitmentKind
from subscriptions.models import Incident, Subscription
from tests.charter.factories import invite, make_charter, sign
from tests.subscriptions import factories


@pytest.fixture
def signature(world, landlord, landlord_admin, city_admin, tilleuls):
    ensure_default_kinds()
    city = city_admin.memberships.get().organization
    charter = make_charter(city, by=city_admin, qpvs=[tilleuls.qpv], publish=True)
    return sign(invite(charter, landlord, by=city_admin), landlord_admin)


def commitment(signature, code, **fields):
    return Commitment.objects.create(
        signature=signature,
        kind=CommitmentKind.objects.get(code=code),
        due_date=datetime.date(2030, 1, 1),
        starts_on=datetime.date(2025, 1, 1),
        **fields,
    )


def test_share_of_dwellings_with_an_active_subscription(signature, tilleuls):
    measure = measure_of(commitment(signature, "subscribed_share", qpv=tilleuls.qpv, target_value=80))
    assert measure.value == Decimal(25)  # 1 active of 4 (one installed, one suspended, one planned)
    assert measure.source == "1 logement avec un abonnement actif sur 4"


def test_the_share_as_it_stood_on_a_past_day(signature, tilleuls):
    c = commitment(signature, "subscribed_share", qpv=tilleuls.qpv, target_value=80)
    assert measure_of(c, day=datetime.date(2025, 2, 15)).value == Decimal(50)  # two active before the suspension
    assert measure_of(c, day=datetime.date(2025, 1, 15)).value == Decimal(0)


def test_the_highest_monthly_charge_actually_charged(signature, world):
    measure = measure_of(commitment(signature, "tenant_charge_ceiling", target_value=3))
    assert measure.value == Decimal("2.67")
    assert "Les Tilleuls" in measure.source


def test_the_charge_measured_is_the_capped_one(signature, world, tilleuls):
    commitment(signature, "tenant_charge_ceiling", target_value=Decimal("2.00"))
    measure = measure_of(commitment(signature, "tenant_charge_ceiling", target_value=3))
    assert measure.value == Decimal("2.00")


def test_no_charge_without_a_legal_basis(signature, world, tilleuls):
    basis = tilleuls.legal_bases.get()
    basis.end(by=None, on=datetime.date(2025, 1, 31), reason="Dénoncé")
    basis.save()
    assert measure_of(commitment(signature, "tenant_charge_ceiling", target_value=3)).value is None


def test_the_legal_basis_in_force(signature, tilleuls):
    c = commitment(signature, "legal_basis", residence=tilleuls, target_choice="collective_agreement")
    assert measure_of(c).value == "collective_agreement"
    assert c.progress(measure_of(c)).status == "met"


def test_the_operators_longest_repair_delay(world, operator, operator_admin, city_admin, tilleuls_dwellings):
    ensure_default_kinds()
    city = city_admin.memberships.get().organization
    charter = make_charter(city, by=city_admin, qpvs=[], publish=False)
    operator_signature = invite(charter, operator, by=city_admin)
    subscription = Subscription.objects.get(lodging=tilleuls_dwellings[0])
    now = timezone.now()
    for hours in (24, 48):
        Incident.objects.create(
            subscription=subscription,
            description="Panne",
            reported_at=now - datetime.timedelta(hours=hours + 10),
            resolved_at=now - datetime.timedelta(hours=10),
            state=Incident.State.RESOLVED,
            reported_by=operator_admin,
            reporter_side="operator",
        )
    measure = measure_of(commitment(operator_signature, "repair_delay", target_value=48))
    assert measure.value == Decimal("48.00")
    assert "2 pannes" in measure.source and "médiane 36 h" in measure.source


def test_many_commitments_in_a_constant_number_of_queries(signature, tilleuls, django_assert_max_num_queries):
    few = [
        commitment(signature, "subscribed_share", qpv=tilleuls.qpv, target_value=80),
        commitment(signature, "tenant_charge_ceiling", target_value=3),
        commitment(signature, "legal_basis", residence=tilleuls, target_choice="collective_agreement"),
        commitment(signature, "repair_delay", target_value=48),
    ]
    with django_assert_max_num_queries(20) as small:
        measures_of(list(Commitment.objects.filter(pk__in=[c.pk for c in few]).select_related("kind", "signature")))
    for _ in range(10):
        other = factories.residence(signature.organization, tilleuls.qpv)
        commitment(signature, "legal_basis", residence=other, target_choice="individual_opt_in")
        commitment(signature, "subscribed_share", qpv=tilleuls.qpv, target_value=50)
    every = list(Commitment.objects.select_related("kind", "signature"))
    with django_assert_max_num_queries(len(small.captured_queries)):
        found = measures_of(every)
    assert len(found) == 24
