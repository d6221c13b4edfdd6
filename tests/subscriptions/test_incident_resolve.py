import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from subscriptions.models import Incident, Subscription

from .cast import PARTIES_ACT


@pytest.fixture
def incident(world, tilleuls_dwellings, operator_admin):
    return Incident.objects.create(
        subscription=Subscription.objects.get(lodging=tilleuls_dwellings[0]),
        description="Plus de signal",
        reported_at=timezone.now() - datetime.timedelta(hours=30),
        reported_by=operator_admin,
        reporter_side=Incident.Side.OPERATOR,
    )


def url(incident):
    return reverse("subscriptions:incident_resolve", args=[incident.pk])


def at(delta_hours):
    return (timezone.localtime() + datetime.timedelta(hours=delta_hours)).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize(("who", "status"), PARTIES_ACT.items())
def test_who_may_resolve_an_outage(client_of, cast, incident, who, status):
    response = client_of(cast[who]).post(url(incident), {"resolved_at": at(-6), "resolution": "Box changée"})
    assert response.status_code == status
    incident.refresh_from_db()
    assert (incident.state == Incident.State.RESOLVED) == (status == 302)


def test_the_repair_delay_is_measured(client_of, cast, incident):
    client_of(cast["operator_admin"]).post(url(incident), {"resolved_at": at(-6), "resolution": "Box changée"})
    incident.refresh_from_db()
    assert 23.9 <= float(incident.repair_hours) <= 24.1
    assert incident.resolution == "Box changée"


def test_not_before_it_was_reported(client_of, cast, incident):
    response = client_of(cast["operator_admin"]).post(url(incident), {"resolved_at": at(-48)}, follow=True)
    assert "Le rétablissement ne peut pas précéder le signalement de la panne." in response.content.decode()
    incident.refresh_from_db()
    assert incident.state == Incident.State.REPORTED


def test_resolved_once(client_of, cast, incident):
    client = client_of(cast["operator_admin"])
    client.post(url(incident), {"resolved_at": at(-6)})
    response = client.post(url(incident), {"resolved_at": at(-1)}, follow=True)
    assert "Cette panne est déjà résolue." in response.content.decode()
    incident.refresh_from_db()
    assert incident.resolved_at < timezone.now() - datetime.timedelta(hours=5)
