import datetime

import pytest
from django.urls import reverse

URL = reverse("home")


def test_landlord_home_panel_counts_its_stock(client_of, cast, stock, landlord_admin):
    stock["lodging"].record_equipment(status="box", effective_date=datetime.date(2025, 1, 2), by=landlord_admin)
    text = client_of(cast["landlord_viewer"]).get(URL).text
    assert "Votre parc de logements" in text
    panel = text[text.index("Votre parc de logements") :]
    # Three dwellings (two in Poitiers, one in Brest), two in a QPV, one equipped, two vacant.
    assert '<dt>Logements</dt><dd class="stat">3</dd>' in panel
    assert '<dt>Dont en QPV</dt><dd class="stat">2</dd>' in panel
    assert "33 %" in panel
    assert '<dt>Vacants aujourd\'hui</dt><dd class="stat">2</dd>' in panel


def test_city_home_panel_counts_its_territory(client_of, cast, stock):
    text = client_of(cast["city_admin"]).get(URL).text
    panel = text[text.index("Le parc social de votre territoire") :]
    assert '<dt>Logements</dt><dd class="stat">3</dd>' in panel  # the two Tilleuls and Saint-Eloi


def test_state_home_panel(client_of, cast, stock):
    assert "Le parc social de votre territoire" in client_of(cast["state_user"]).get(URL).text


def test_operator_gets_no_stock_panel_nor_menu_entry(client_of, cast, stock):
    text = client_of(cast["operator_admin"]).get(URL).text
    assert "parc social" not in text and "Votre parc" not in text
    assert f'href="{reverse("leases:lodging_list")}"' not in text


@pytest.mark.parametrize("who", ["landlord_admin", "landlord_viewer", "city_member", "state_user"])
def test_menu_has_the_stock_entry(client_of, cast, who):
    text = client_of(cast[who]).get(URL).text
    assert f'<a href="{reverse("leases:lodging_list")}">Parc</a>' in text


def test_empty_stock_says_what_to_do(client_of, cast):
    assert "importez votre extrait RPLS" in client_of(cast["landlord_admin"]).get(URL).text
