import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from operators.models import Amendment


def url(tender):
    return reverse("operators:tender_amend", args=[tender.pk])


def local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def data(days=30):
    now = timezone.now()
    return {
        "summary": "Ajout d'une résidence au lot.",
        "notice_reference": "26-12345",
        "new_questions_deadline": local(now + datetime.timedelta(days=days - 10)),
        "new_deadline": local(now + datetime.timedelta(days=days)),
    }


def test_amendment_notifies_interested_operators_and_bids_must_be_confirmed(
    client_of,
    landlord_admin,
    operator_admin,
    operator2_admin,
    operator2,
    tender,
    bid,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    tender.note_interest(operator2, "downloaded")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(landlord_admin).post(url(tender), data())
    assert response.status_code == 302
    amendment = Amendment.objects.get()
    tender.refresh_from_db()
    assert tender.deadline == amendment.new_deadline and amendment.number == 1
    bid.refresh_from_db()
    assert bid.state == "to_confirm" and tender.bid_count() == 0
    assert sorted(m.to[0] for m in mailoutbox) == sorted([operator_admin.email, operator2_admin.email])
    client_of(operator_admin).post(reverse("operators:bid_confirm", args=[bid.pk]))
    bid.refresh_from_db()
    assert bid.state == "submitted" and bid.confirmed_at and tender.bid_count() == 1


def test_new_deadline_shorter_than_the_minimum_is_refused(client_of, landlord_admin, tender):
    response = client_of(landlord_admin).post(url(tender), data(days=tender.min_days - 1))
    assert "doit laisser au moins" in response.text
    assert not Amendment.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"), [("landlord_viewer", 403), ("operator_admin", 403), ("landlord2_admin", 404)]
)
def test_others_cannot_amend(client_of, cast, tender, who, status):
    assert client_of(cast[who]).post(url(tender), data()).status_code == status


def test_amending_a_draft_is_refused(client_of, landlord_admin, draft_tender):
    response = client_of(landlord_admin).post(url(draft_tender), data(), follow=True)
    assert "avant la date limite" in response.text
    assert not Amendment.objects.exists()
