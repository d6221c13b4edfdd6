import pytest
from django.urls import reverse

from leases.models import EquipmentEvent, EquipmentStatus, Lodging
from subscriptions.models import Subscription, SubscriptionEvent

from .cast import LANDLORD_ACTS


def url(event):
    return reverse("subscriptions:event_contest", args=[event.pk])


@pytest.fixture
def line(report):
    return SubscriptionEvent.objects.get(report=report)


@pytest.mark.parametrize(("who", "status"), LANDLORD_ACTS.items())
def test_who_may_contest_a_line(client_of, cast, line, who, status):
    assert client_of(cast[who]).post(url(line), {"reason": "Box absente"}).status_code == status
    line.refresh_from_db()
    assert (line.contested_at is not None) == (status == 302)


def test_a_contested_line_no_longer_counts_nor_its_box(client_of, cast, line, tilleuls_dwellings):
    lodging = tilleuls_dwellings[0]
    assert Lodging.objects.get(pk=lodging.pk).equipment_status == EquipmentStatus.BOX
    response = client_of(cast["landlord_member"]).post(url(line), {"reason": "Aucune box constatée sur place"})
    assert response["Location"] == line.report.get_absolute_url()
    line.refresh_from_db()
    assert (line.contested_by, line.contest_reason) == (cast["landlord_member"], "Aucune box constatée sur place")
    assert EquipmentEvent.objects.get(pk=line.equipment_event_id).contested_at is not None
    assert Lodging.objects.get(pk=lodging.pk).equipment_status == EquipmentStatus.NONE
    subscription = Subscription.objects.get(lodging=lodging)
    assert (subscription.status, subscription.box_serial) == ("planned", "")


def test_a_reason_is_required(client_of, cast, line):
    response = client_of(cast["landlord_admin"]).post(url(line), {"reason": ""}, follow=True)
    assert "Ce champ est obligatoire." in response.content.decode()
    line.refresh_from_db()
    assert line.contested_at is None


def test_a_line_is_contested_once(client_of, cast, line):
    client = client_of(cast["landlord_admin"])
    client.post(url(line), {"reason": "Box absente"})
    response = client.post(url(line), {"reason": "Encore"}, follow=True)
    assert "Cette ligne est déjà contestée" in response.content.decode()
    line.refresh_from_db()
    assert line.contest_reason == "Box absente"


def test_the_rollout_itself_cannot_be_contested(client_of, cast, report):
    planned = SubscriptionEvent.objects.filter(status="planned").first()
    response = client_of(cast["landlord_admin"]).post(url(planned), {"reason": "?"}, follow=True)
    assert "elle ne vient pas de l&#x27;opérateur" in response.content.decode()
