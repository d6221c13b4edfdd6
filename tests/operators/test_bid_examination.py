"""Admissibility, elimination with a reason, the abnormally low rule (CCP R2152-3)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from operators.models import Bid
from tests.operators.conftest import bid_of
from tests.operators.factories import tender_at


def test_landlord_admits_a_bid(client_of, landlord_member, staged, operator):
    tender = staged("opened")
    bid = bid_of(tender, operator)
    client_of(landlord_member).post(reverse("operators:bid_admit", args=[bid.pk]))
    bid.refresh_from_db()
    assert bid.state == "admissible"


def test_elimination_needs_a_reason(client_of, landlord_admin, staged, operator2):
    tender = staged("opened")
    bid = bid_of(tender, operator2)
    url = reverse("operators:bid_eliminate", args=[bid.pk])
    response = client_of(landlord_admin).post(url, {"reason": ""})
    assert "Ce champ est obligatoire" in response.text
    client_of(landlord_admin).post(url, {"reason": "Débit montant inférieur au minimum exigé."})
    bid.refresh_from_db()
    assert bid.state == "eliminated" and bid.elimination_reason.startswith("Débit montant")


@pytest.mark.parametrize(("who", "status"), [("landlord_viewer", 403), ("operator_admin", 404), ("city_admin", 404)])
def test_others_cannot_examine(client_of, cast, staged, operator2, who, status):
    bid = bid_of(staged("opened"), operator2)
    assert client_of(cast[who]).post(reverse("operators:bid_admit", args=[bid.pk])).status_code == status


def test_admitting_after_evaluation_started_is_stale(client_of, landlord_admin, staged, operator):
    bid = bid_of(staged("evaluation"), operator)
    response = client_of(landlord_admin).post(reverse("operators:bid_admit", args=[bid.pk]), follow=True)
    assert "Action déjà effectuée" in response.text


@pytest.fixture
def low_tender(landlord, landlord_admin, operator, operator_admin, operator2, operator2_admin):
    """Two bids: 5.00 is below 70 % of 10.00: flagged abnormally low at the opening."""
    return tender_at(
        "opened",
        landlord=landlord,
        landlord_user=landlord_admin,
        bidders=[(operator, operator_admin, "5.00", "bas"), (operator2, operator2_admin, "10.00", "normal")],
    )


def test_bid_below_the_ratio_is_flagged_and_cannot_be_eliminated_before_justification(
    client_of, landlord_admin, operator_admin, low_tender, operator, mailoutbox, django_capture_on_commit_callbacks
):
    low = bid_of(low_tender, operator)
    assert (
        low.abnormally_low and not bid_of(low_tender, low_tender.bids.exclude(pk=low.pk).get().operator).abnormally_low
    )
    client = client_of(landlord_admin)
    eliminate = reverse("operators:bid_eliminate", args=[low.pk])
    assert "demandez une justification" in client.post(eliminate, {"reason": "Trop bas"}, follow=True).text
    assert Bid.objects.get(pk=low.pk).state == "opened"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("operators:bid_request_justification", args=[low.pk]), {"reason": "Détaillez vos coûts."})
    assert mailoutbox[-1].to == [operator_admin.email]
    client_of(operator_admin).post(reverse("operators:bid_justify", args=[low.pk]), {"reason": "Réseau déjà amorti."})
    client = client_of(landlord_admin)  # one test client: log the landlord back in
    client.post(
        reverse("operators:bid_assess_justification", args=[low.pk]),
        {"accepted": "no", "assessment": "Coûts d'installation non couverts."},
    )
    client.post(eliminate, {"reason": "Offre anormalement basse après examen de la justification."})
    low.refresh_from_db()
    assert low.state == "eliminated" and low.justification == "Réseau déjà amorti."
    assert low.justification_accepted is False


def test_evaluator_flags_a_bid_by_hand(client_of, landlord_admin, staged, operator2):
    bid = bid_of(staged("opened"), operator2)
    client_of(landlord_admin).post(reverse("operators:bid_flag_low", args=[bid.pk]), {"reason": "Prix incohérent."})
    bid.refresh_from_db()
    assert bid.is_flagged_low and bid.flagged_low_by == landlord_admin
    assert not bid._may_be_rejected()


def test_abnormally_low_ratio_is_the_frozen_one(low_tender):
    assert low_tender.abnormally_low_ratio == Decimal("0.70")
