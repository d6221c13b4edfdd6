import datetime

import pytest
import time_machine
from django.urls import reverse

from operators.models import Bid, Tender


def url(tender):
    return reverse("operators:tender_open", args=[tender.pk])


def test_opening_before_the_deadline_is_refused(client_of, landlord_admin, tender, bid):
    response = client_of(landlord_admin).post(url(tender), follow=True)
    assert "restent scellées" in response.text
    assert Tender.objects.get(pk=tender.pk).state == "published"


def test_landlord_opens_after_the_deadline_even_if_the_job_did_not_close_it(client_of, landlord_admin, tender, bid):
    with time_machine.travel(tender.deadline + datetime.timedelta(minutes=1), tick=False):
        client_of(landlord_admin).post(url(tender))
    tender.refresh_from_db()
    bid.refresh_from_db()
    assert tender.state == "opened" and tender.opened_by == landlord_admin
    assert bid.state == "opened"


def test_unconfirmed_and_draft_bids_are_not_opened(landlord_admin, tender, bid, operator2, operator2_admin):
    from tests.operators.factories import BidFactory

    draft = BidFactory(tender=tender, operator=operator2, created_by=operator2_admin)
    bid.require_confirmation(by=landlord_admin)
    bid.save()
    with time_machine.travel(tender.deadline + datetime.timedelta(minutes=1), tick=False):
        tender.refresh_from_db()
        tender.open(by=landlord_admin)
        tender.save()
        tender.apply_opening(by=landlord_admin)
    assert set(Bid.objects.values_list("state", flat=True)) == {"to_confirm", "draft"}
    assert not Bid.objects.visible_to(landlord_admin).exists()
    assert draft.pk


@pytest.mark.parametrize(
    ("who", "status"), [("landlord_viewer", 403), ("city_admin", 403), ("operator_admin", 403), ("outsider", 404)]
)
def test_others_cannot_open(client_of, cast, tender, who, status):
    with time_machine.travel(tender.deadline + datetime.timedelta(minutes=1), tick=False):
        assert client_of(cast[who]).post(url(tender)).status_code == status


def test_opening_twice_is_stale(client_of, staged, landlord_admin):
    tender = staged("opened")
    assert "Action déjà effectuée" in client_of(landlord_admin).post(url(tender), follow=True).text
