import pytest
from django.urls import reverse

from operators.models import Tender


def test_landlord_cancels_with_reasons_sent_to_interested_operators(
    client_of, landlord_admin, operator_admin, tender, bid, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_of(landlord_admin).post(
            reverse("operators:tender_cancel", args=[tender.pk]), {"reason": "Besoin redéfini."}
        )
    tender.refresh_from_db()
    assert tender.state == "cancelled" and tender.end_reason == "Besoin redéfini."
    assert mailoutbox[-1].to == [operator_admin.email] and "Besoin redéfini." in mailoutbox[-1].body


def test_unsuccessful_only_without_acceptable_bid(client_of, landlord_admin, staged, operator, operator2):
    tender = staged("opened")
    url = reverse("operators:tender_unsuccessful", args=[tender.pk])
    response = client_of(landlord_admin).post(url, {"reason": "Aucune offre acceptable."}, follow=True)
    assert "Action déjà effectuée" in response.text
    for bid in tender.bids.all():
        bid.eliminate(by=landlord_admin, reason="Irrégulière")
        bid.save()
    client_of(landlord_admin).post(url, {"reason": "Aucune offre acceptable."})
    assert Tender.objects.get(pk=tender.pk).state == "unsuccessful"


@pytest.mark.parametrize(("who", "status"), [("landlord_viewer", 403), ("operator_admin", 403), ("outsider", 404)])
def test_others_cannot_cancel(client_of, cast, tender, who, status):
    response = client_of(cast[who]).post(reverse("operators:tender_cancel", args=[tender.pk]), {"reason": "x"})
    assert response.status_code == status


def test_a_contracted_tender_cannot_be_cancelled(client_of, landlord_admin, staged):
    tender = staged("contracted")
    response = client_of(landlord_admin).post(
        reverse("operators:tender_cancel", args=[tender.pk]), {"reason": "x"}, follow=True
    )
    assert "Action déjà effectuée" in response.text
    assert Tender.objects.get(pk=tender.pk).state == "contracted"
