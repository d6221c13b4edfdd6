import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from leases.models import EquipmentEvent, EquipmentStatus, EventSource
from tests.leases.cast import MAY_ACT


def url(lodging):
    return reverse("leases:lodging_equipment", args=[lodging.pk])


@pytest.mark.parametrize(("who", "status"), MAY_ACT.items())
def test_record_equipment_by_role(client_of, cast, lodging, who, status):
    response = client_of(cast[who]).post(url(lodging), {"status": "box", "effective_date": "2025-03-03"})
    assert response.status_code == status
    lodging.refresh_from_db()
    assert lodging.equipment_status == (EquipmentStatus.BOX if status == 302 else EquipmentStatus.NONE)


def test_landlord_member_records_a_box_as_a_dated_event(client_of, cast, lodging):
    response = client_of(cast["landlord_member"]).post(url(lodging), {"status": "box", "effective_date": "2025-03-03"})
    assert response["Location"] == lodging.get_absolute_url()
    event = EquipmentEvent.objects.get(lodging=lodging)
    assert (event.status, event.effective_date, event.source) == (
        "box",
        datetime.date(2025, 3, 3),
        EventSource.LANDLORD,
    )
    assert event.recorded_by == cast["landlord_member"]
    lodging.refresh_from_db()
    assert lodging.equipment_date == datetime.date(2025, 3, 3)


def test_an_older_fact_recorded_later_does_not_override_the_latest(client_of, cast, lodging):
    client = client_of(cast["landlord_admin"])
    client.post(url(lodging), {"status": "box", "effective_date": "2025-03-03"})
    client.post(url(lodging), {"status": "outlet", "effective_date": "2024-01-10"})
    lodging.refresh_from_db()
    assert lodging.equipment_status == EquipmentStatus.BOX
    assert lodging.equipment_events.count() == 2


def test_removing_the_box_is_recorded_too(client_of, cast, lodging):
    client = client_of(cast["landlord_admin"])
    client.post(url(lodging), {"status": "box", "effective_date": "2025-03-03"})
    client.post(url(lodging), {"status": "none", "effective_date": "2025-04-01"})
    lodging.refresh_from_db()
    assert (lodging.equipment_status, lodging.equipment_date) == (EquipmentStatus.NONE, None)


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC))
def test_a_date_in_the_future_is_refused_and_nothing_is_written(client_of, cast, lodging):
    response = client_of(cast["landlord_admin"]).post(url(lodging), {"status": "box", "effective_date": "2025-06-02"})
    assert response.status_code == 200
    assert "La date ne peut pas être dans le futur." in response.text
    assert not EquipmentEvent.objects.exists()


def test_missing_date_is_explained(client_of, cast, lodging):
    response = client_of(cast["landlord_admin"]).post(url(lodging), {"status": "box", "effective_date": ""})
    assert "Ce champ est obligatoire." in response.text
    assert not EquipmentEvent.objects.exists()


def test_a_dwelling_that_left_the_stock_cannot_be_equipped(client_of, cast, lodging):
    lodging.leave_stock(reason="sold", on=datetime.date(2024, 12, 1))
    response = client_of(cast["landlord_admin"]).post(
        url(lodging), {"status": "box", "effective_date": "2025-01-03"}, follow=True
    )
    assert "Ce logement est sorti du parc" in response.text
    assert not EquipmentEvent.objects.exists()


def test_get_is_not_allowed(client_of, cast, lodging):
    assert client_of(cast["landlord_admin"]).get(url(lodging)).status_code == 405


def test_form_defaults_to_today(client_of, cast, lodging):
    text = client_of(cast["landlord_admin"]).get(lodging.get_absolute_url()).text
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in text
