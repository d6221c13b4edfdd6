import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from operators.models import Tender


def url(tender):
    return reverse("operators:tender_publish", args=[tender.pk])


def test_landlord_member_publishes_and_rules_are_frozen(client_of, landlord_member, draft_tender):
    client_of(landlord_member).post(url(draft_tender))
    tender = Tender.objects.get(pk=draft_tender.pk)
    assert tender.state == "published" and tender.procedure == "adapted"
    assert (tender.min_days, tender.standstill_days, tender.abnormally_low_ratio) == (15, 0, Decimal("0.70"))
    assert tender.perimeter_dwellings == 10 and tender.threshold_ht == Decimal("216000.00")


def test_formal_procedure_needs_the_notice_and_counts_30_days_from_it(client_of, landlord_admin, draft_tender):
    Tender.objects.filter(pk=draft_tender.pk).update(
        estimated_value_ht=Decimal("300000"), deadline=timezone.now() + datetime.timedelta(days=29)
    )
    response = client_of(landlord_admin).post(url(draft_tender), follow=True)
    assert "avis de marché (BOAMP, JOUE)" in response.text
    assert "au moins 30 jours" in response.text
    sent = timezone.now() - datetime.timedelta(days=1)
    Tender.objects.filter(pk=draft_tender.pk).update(
        notice_sent_at=sent,
        notice_boamp_reference="26-00001",
        deadline=sent + datetime.timedelta(days=30),
        questions_deadline=sent + datetime.timedelta(days=20),
    )
    client_of(landlord_admin).post(url(draft_tender))
    tender = Tender.objects.get(pk=draft_tender.pk)
    assert tender.state == "published" and tender.procedure == "formal"
    assert (tender.min_days, tender.answer_days, tender.standstill_days) == (30, 6, 11)


def test_weights_must_sum_to_100(client_of, landlord_admin, draft_tender):
    draft_tender.criteria.filter(is_price=True).update(weight=50)
    response = client_of(landlord_admin).post(url(draft_tender), follow=True)
    assert "totalisent 90 %" in response.text
    assert Tender.objects.get(pk=draft_tender.pk).state == "draft"


@pytest.mark.parametrize(
    ("who", "status"),
    [("landlord_viewer", 403), ("landlord2_admin", 404), ("operator_admin", 404), ("city_admin", 404)],
)
def test_others_cannot_publish(client_of, cast, draft_tender, who, status):
    assert client_of(cast[who]).post(url(draft_tender)).status_code == status


def test_publishing_twice_is_stale(client_of, landlord_admin, tender):
    assert "Action déjà effectuée" in client_of(landlord_admin).post(url(tender), follow=True).text


def test_threshold_of_2024_2025_applies_before_2026(draft_tender):
    from operators.models import ProcurementRule

    rule = ProcurementRule.objects.in_force(datetime.date(2025, 6, 1))
    assert rule.formal_threshold_ht == Decimal("221000.00") and not rule.to_check
    assert ProcurementRule.objects.in_force(datetime.date(2026, 6, 1)).to_check
    draft_tender.estimated_value_ht = Decimal("218000")
    assert draft_tender.expected_procedure(rule) == "adapted"
    assert draft_tender.expected_procedure(ProcurementRule.objects.in_force(datetime.date(2026, 6, 1))) == "formal"
