import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leases.models import EquipmentEvent, EquipmentStatus, Lodging
from tests.leases.cast import MAY_ACT
from tests.leases.factories import LodgingFactory, bulk_lodgings

URL = reverse("leases:lodging_equipment_bulk")


def post(client, lodgings, status="box", day="2025-03-03", query=""):
    return client.post(
        URL + query, {"lodgings": [str(lodging.pk) for lodging in lodgings], "status": status, "effective_date": day}
    )


@pytest.mark.parametrize(("who", "status"), MAY_ACT.items())
def test_equip_a_selection_by_role(client_of, cast, lodging, vacant_lodging, who, status):
    response = post(client_of(cast[who]), [lodging, vacant_lodging])
    assert response.status_code == status
    equipped = Lodging.objects.filter(equipment_status=EquipmentStatus.BOX).count()
    assert equipped == (2 if status == 302 else 0)


def test_landlord_member_equips_the_selection_in_one_go(client_of, cast, lodging, vacant_lodging):
    response = post(client_of(cast["landlord_member"]), [lodging, vacant_lodging], status="outlet", day="2025-02-01")
    assert response.status_code == 302
    assert response["Location"] == reverse("leases:lodging_list")
    for dwelling in (lodging, vacant_lodging):
        dwelling.refresh_from_db()
        assert (dwelling.equipment_status, dwelling.equipment_date) == ("outlet", datetime.date(2025, 2, 1))
    events = EquipmentEvent.objects.all()
    assert {e.recorded_by for e in events} == {cast["landlord_member"]}
    assert events.count() == 2


def test_the_filters_are_kept_after_the_action(client_of, cast, lodging):
    response = post(client_of(cast["landlord_admin"]), [lodging], query="?equipment=none&q=trois")
    assert response["Location"] == reverse("leases:lodging_list") + "?equipment=none&q=trois"


def test_other_landlords_dwellings_slipped_into_the_selection_are_ignored(client_of, cast, lodging, rival_lodging):
    response = post(client_of(cast["landlord_admin"]), [lodging, rival_lodging])
    assert response.status_code == 302
    rival_lodging.refresh_from_db()
    assert rival_lodging.equipment_status == EquipmentStatus.NONE
    assert not EquipmentEvent.objects.filter(lodging=rival_lodging).exists()
    lodging.refresh_from_db()
    assert lodging.equipment_status == EquipmentStatus.BOX


def test_dwellings_that_left_the_stock_are_skipped_and_counted(client_of, cast, lodging, vacant_lodging):
    vacant_lodging.leave_stock(reason="sold", on=datetime.date(2024, 1, 1))
    response = post(client_of(cast["landlord_admin"]), [lodging, vacant_lodging])
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "1 logement : « Box installée » enregistré au 03/03/2025." in messages
    assert any(m.startswith("1 logement ignoré") for m in messages)
    assert not EquipmentEvent.objects.filter(lodging=vacant_lodging).exists()


def test_an_empty_selection_is_explained(client_of, cast, lodging):
    response = client_of(cast["landlord_admin"]).post(
        URL, {"status": "box", "effective_date": "2025-03-03"}, follow=True
    )
    assert "Cochez au moins un logement" in response.text
    assert not EquipmentEvent.objects.exists()


def test_a_future_date_is_refused_and_the_ticked_boxes_stay_ticked(client_of, cast, lodging, vacant_lodging):
    future = datetime.date.today() + datetime.timedelta(days=3)
    response = post(client_of(cast["landlord_admin"]), [lodging], day=f"{future:%Y-%m-%d}")
    assert response.status_code == 200
    assert "La date ne peut pas être dans le futur." in response.text
    assert f'value="{lodging.pk}" form="selection" aria-label="Sélectionner le logement {lodging.rpls_id}" checked' in (
        response.text
    )
    assert f'value="{vacant_lodging.pk}" form="selection" aria-label="Sélectionner le logement 8619400014">' in (
        response.text
    )
    assert not EquipmentEvent.objects.exists()


def test_get_is_not_allowed(client_of, cast):
    assert client_of(cast["landlord_admin"]).get(URL).status_code == 405


def test_a_large_selection_takes_a_few_statements_not_one_per_dwelling(client_of, cast, residence):
    client = client_of(cast["landlord_admin"])
    counts = []
    for size in (10, 400):
        Lodging.objects.all().delete()
        bulk_lodgings(residence, size)
        with CaptureQueriesContext(connection) as queries:
            response = post(client, Lodging.objects.all())
        assert response.status_code == 302
        assert Lodging.objects.filter(equipment_status=EquipmentStatus.BOX).count() == size
        counts.append(len(queries))
    # Never one query per dwelling: SQLite splits the one INSERT in a few batches (999 parameters).
    assert counts[1] <= counts[0] + 6


def test_selection_spanning_two_residences(client_of, cast, residence, lodging):
    other = LodgingFactory(residence__landlord=residence.landlord, rpls_id="8619400099")
    post(client_of(cast["landlord_admin"]), [lodging, other])
    assert Lodging.objects.filter(equipment_status=EquipmentStatus.BOX).count() == 2
