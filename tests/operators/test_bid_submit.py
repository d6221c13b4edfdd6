import datetime
import hashlib
import json

import pytest
import time_machine
from django.urls import reverse

from operators.models import Bid
from tests.operators.factories import BidFactory


@pytest.fixture
def draft(tender, operator, operator_admin):
    return BidFactory(tender=tender, operator=operator, created_by=operator_admin)


def url(bid):
    return reverse("operators:bid_submit", args=[bid.pk])


def test_operator_admin_submits_and_gets_a_receipt(
    client_of, operator_admin, draft, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(operator_admin).post(url(draft))
    assert response.status_code == 302 and response.url == reverse("operators:bid_receipt", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.state == "submitted" and draft.submitted_at is not None
    payload = json.dumps(draft.content(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert draft.content_hash == hashlib.sha256(payload.encode()).hexdigest()
    receipt = client_of(operator_admin).get(response.url)
    assert draft.content_hash in receipt.text
    assert [m.to for m in mailoutbox] == [[operator_admin.email]] and draft.content_hash in mailoutbox[0].body


def test_bid_written_one_second_after_the_deadline_is_refused(client_of, operator_admin, draft, tender):
    with time_machine.travel(tender.deadline + datetime.timedelta(seconds=1), tick=False):
        response = client_of(operator_admin).post(url(draft), follow=True)
    assert "La date limite de remise des offres est dépassée" in response.text
    draft.refresh_from_db()
    assert draft.state == "draft" and not draft.content_hash


def test_bid_at_the_last_second_before_the_deadline_is_accepted(client_of, operator_admin, draft, tender):
    with time_machine.travel(tender.deadline - datetime.timedelta(seconds=1), tick=False):
        client_of(operator_admin).post(url(draft))
    draft.refresh_from_db()
    assert draft.state == "submitted"


def test_every_write_after_the_deadline_is_refused(client_of, operator_admin, draft, tender):
    with time_machine.travel(tender.deadline + datetime.timedelta(seconds=1), tick=False):
        client = client_of(operator_admin)  # log in again: the session would have expired
        edit = client.post(reverse("operators:bid_edit", args=[draft.pk]), {"unit_price_ht": "1"}, follow=True)
        new = client.post(reverse("operators:bid_create", args=[tender.pk]), {"unit_price_ht": "1"}, follow=True)
    assert "date limite de remise des offres est dépassée" in edit.text
    assert "date limite de remise des offres est dépassée" in new.text
    draft.refresh_from_db()
    assert draft.unit_price_ht != 1


def test_operator_viewer_cannot_submit(client_of, operator, draft):
    from accounts.models import Role
    from tests.factories import member

    viewer = member(operator, Role.VIEWER)
    assert client_of(viewer).post(url(draft)).status_code == 403


@pytest.mark.parametrize("who", ["operator2_admin", "landlord_admin", "city_admin", "outsider"])
def test_others_get_404(client_of, cast, draft, who):
    assert client_of(cast[who]).post(url(draft)).status_code == 404


def test_submitting_twice_is_a_stale_action(client_of, operator_admin, draft):
    client = client_of(operator_admin)
    client.post(url(draft))
    response = client.post(url(draft), follow=True)
    assert "Action déjà effectuée" in response.text


def test_new_version_replaces_the_previous_one_once_submitted(client_of, operator_admin, bid, tender):
    client = client_of(operator_admin)
    data = {
        "unit_price_ht": "8.50",
        "vat_rate": "20",
        "installation_fee_ht": "0",
        "technology": "ftth",
        "download_mbps": "1000",
        "upload_mbps": "500",
        "commitments": "Version 2",
    }
    client.post(reverse("operators:bid_create", args=[tender.pk]), data)
    second = Bid.objects.get(tender=tender, version=2)
    assert second.state == "draft" and second.replaces == bid
    bid.refresh_from_db()
    assert bid.state == "submitted"  # the first still counts until the second is submitted
    client.post(url(second))
    bid.refresh_from_db()
    second.refresh_from_db()
    assert (bid.state, second.state) == ("replaced", "submitted")
    assert tender.bid_count() == 1
