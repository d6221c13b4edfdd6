import datetime

import pytest
from django.urls import reverse

from leases.models import EquipmentStatus, Lodging
from leases.models import EventSource as StockSource
from subscriptions.models import EventSource, Subscription

from .cast import PARTIES_ACT


@pytest.fixture
def planned(world, tilleuls_dwellings):
    return Subscription.objects.get(lodging=tilleuls_dwellings[3])


def url(subscription):
    return reverse("subscriptions:subscription_record", args=[subscription.pk])


@pytest.mark.parametrize(("who", "status"), PARTIES_ACT.items())
def test_who_may_record_a_status(client_of, cast, planned, who, status):
    response = client_of(cast[who]).post(url(planned), {"status": "installed", "effective_date": "2025-04-01"})
    assert response.status_code == status
    planned.refresh_from_db()
    assert (planned.status == "installed") == (status == 302)


def test_the_landlord_records_an_installation_and_the_box_enters_the_stock(client_of, cast, planned):
    client_of(cast["landlord_member"]).post(url(planned), {"status": "active", "effective_date": "2025-04-01"})
    planned.refresh_from_db()
    assert (planned.status, planned.status_date) == ("active", datetime.date(2025, 4, 1))
    event = planned.events.get(status="active")
    assert event.source == EventSource.LANDLORD
    assert event.equipment_event.source == StockSource.LANDLORD
    assert Lodging.objects.get(pk=planned.lodging_id).equipment_status == EquipmentStatus.BOX


def test_an_impossible_step_is_explained(client_of, cast, planned):
    response = client_of(cast["operator_admin"]).post(
        url(planned), {"status": "suspended", "effective_date": "2025-04-01", "reason": "impayé"}, follow=True
    )
    assert "Passage impossible de « Prévu » à « Suspendu »." in response.content.decode()
    planned.refresh_from_db()
    assert planned.status == "planned"


def test_a_suspension_needs_a_reason(client_of, cast, world, tilleuls_dwellings):
    active = Subscription.objects.get(lodging=tilleuls_dwellings[0])
    response = client_of(cast["operator_admin"]).post(
        url(active), {"status": "suspended", "effective_date": "2025-04-01"}, follow=True
    )
    assert "Indiquez le motif de la suspension." in response.content.decode()
