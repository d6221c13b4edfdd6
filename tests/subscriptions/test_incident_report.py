import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from subscriptions.models import Incident, Subscription

from .cast import PARTIES_ACT


@pytest.fixture
def subscription(world, tilleuls_dwellings):
    return Subscription.objects.get(lodging=tilleuls_dwellings[0])


def url(subscription):
    return reverse("subscriptions:incident_report", args=[subscription.pk])


def data():
    reported = timezone.localtime() - datetime.timedelta(hours=3)
    return {"reported_at": reported.strftime("%Y-%m-%dT%H:%M"), "description": "Plus de connexion depuis ce matin."}


@pytest.mark.parametrize(("who", "status"), PARTIES_ACT.items())
def test_who_may_report_an_outage(client_of, cast, subscription, who, status):
    assert client_of(cast[who]).post(url(subscription), data()).status_code == status
    assert Incident.objects.exists() == (status == 302)


@pytest.mark.parametrize(("who", "side"), [("landlord_member", "landlord"), ("operator_admin", "operator")])
def test_the_reporting_side_is_recorded(client_of, cast, subscription, who, side):
    response = client_of(cast[who]).post(url(subscription), data())
    assert response["Location"] == subscription.lodging.get_absolute_url()
    incident = Incident.objects.get()
    assert (incident.reporter_side, incident.reported_by, incident.state) == (side, cast[who], "reported")


def test_an_outage_in_the_future_is_refused(client_of, cast, subscription):
    later = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client_of(cast["operator_admin"]).post(url(subscription), {**data(), "reported_at": later})
    assert "La date ne peut pas être dans le futur." in response.content.decode()
    assert not Incident.objects.exists()


def test_the_form_is_shown(client_of, cast, subscription):
    assert "Signaler une panne" in client_of(cast["operator_admin"]).get(url(subscription)).content.decode()
