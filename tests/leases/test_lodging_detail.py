import datetime

import pytest
from django.urls import reverse

from leases.models import EquipmentStatus
from tests.leases.cast import SEES_PAGE


def url(lodging):
    return reverse("leases:lodging_detail", args=[lodging.pk])


@pytest.mark.parametrize(("who", "status"), SEES_PAGE.items())
def test_lodging_page_by_role(client_of, cast, lodging, who, status):
    assert client_of(cast[who]).get(url(lodging)).status_code == status


def test_anonymous_is_sent_to_login(client, lodging):
    response = client.get(url(lodging))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_landlord_member_sees_address_characteristics_and_lease_history(client_of, cast, lodging):
    text = client_of(cast["landlord_member"]).get(url(lodging)).text
    assert "12 RUE DES TROIS CITES, 86000 Poitiers" in text
    assert "Trois Cités (QN08604M)" in text
    assert "62 m²" in text
    assert "Bail en cours : <strong>BAIL-TILLEULS-12</strong>" in text
    assert "BAIL-ANCIEN-12" in text
    assert "31/01/2021" in text


def test_landlord_viewer_is_a_member_and_sees_the_lease_references(client_of, cast, lodging):
    text = client_of(cast["landlord_viewer"]).get(url(lodging)).text
    assert "BAIL-TILLEULS-12" in text
    assert "Enregistrer l'équipement" not in text
    assert "Marquer comme sorti du parc" not in text


@pytest.mark.parametrize("who", ["city_admin", "city_member", "state_user"])
def test_city_and_state_never_see_a_lease_reference(client_of, cast, lodging, who):
    response = client_of(cast[who]).get(url(lodging))
    assert response.status_code == 200
    assert "BAIL-" not in response.text
    assert "Baux" not in response.text
    assert "Occupé" in response.text  # whether it is let is a fact about the dwelling, not the tenant


@pytest.mark.parametrize("who", ["city_admin", "state_user"])
def test_city_and_state_get_no_action_button(client_of, cast, lodging, who):
    text = client_of(cast[who]).get(url(lodging)).text
    assert "<form" not in text.split('id="contenu"')[1]


def test_equipment_history_names_the_recorder_to_the_landlord_only(client_of, cast, lodging, landlord_admin):
    lodging.record_equipment(status=EquipmentStatus.OUTLET, effective_date=datetime.date(2024, 5, 2), by=landlord_admin)
    mine = client_of(cast["landlord_member"]).get(url(lodging)).text
    assert "02/05/2024" in mine
    assert "Alice Bailleur" in mine
    city = client_of(cast["city_admin"]).get(url(lodging)).text
    assert "02/05/2024" in city and "Prise fibre présente" in city
    assert "Alice Bailleur" not in city


def test_vacant_dwelling_is_said_vacant(client_of, cast, vacant_lodging):
    text = client_of(cast["landlord_admin"]).get(url(vacant_lodging)).text
    assert "Aucun bail en cours : le logement est vacant." in text


def test_city_does_not_see_the_landlords_dwelling_outside_its_communes(client_of, cast, brest_lodging):
    assert client_of(cast["city_admin"]).get(url(brest_lodging)).status_code == 404
    assert client_of(cast["landlord_viewer"]).get(url(brest_lodging)).status_code == 200


def test_page_shows_the_exit_and_the_undo_button_when_left(client_of, cast, lodging):
    lodging.leave_stock(reason="demolished", on=datetime.date(2025, 6, 30))
    text = client_of(cast["landlord_admin"]).get(url(lodging)).text
    assert "Démoli le 30/06/2025" in text
    assert "Annuler la sortie du parc" in text
    assert "Enregistrer l'équipement" not in text
