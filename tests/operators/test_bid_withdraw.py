import datetime

import pytest
import time_machine
from django.urls import reverse


def url(bid):
    return reverse("operators:bid_withdraw", args=[bid.pk])


def test_operator_withdraws_before_the_deadline(client_of, operator_admin, bid, tender):
    client_of(operator_admin).post(url(bid))
    bid.refresh_from_db()
    assert bid.state == "withdrawn" and tender.bid_count() == 0


def test_withdrawal_after_the_deadline_is_refused(client_of, operator_admin, bid, tender):
    with time_machine.travel(tender.deadline + datetime.timedelta(seconds=1), tick=False):
        response = client_of(operator_admin).post(url(bid), follow=True)
    assert "date limite de remise des offres est dépassée" in response.text
    bid.refresh_from_db()
    assert bid.state == "submitted"


@pytest.mark.parametrize(("who", "status"), [("operator2_admin", 404), ("landlord_admin", 404), ("outsider", 404)])
def test_others_cannot_withdraw(client_of, cast, bid, who, status):
    assert client_of(cast[who]).post(url(bid)).status_code == status


def test_withdrawing_a_withdrawn_bid_is_stale(client_of, operator_admin, bid):
    client = client_of(operator_admin)
    client.post(url(bid))
    assert "Action déjà effectuée" in client.post(url(bid), follow=True).text
