"""Monitoring on the home page and in the menu (accounts.registry)."""

import pytest
from django.urls import reverse

HOME = reverse("home")


@pytest.mark.parametrize("who", ["city_admin", "state_user", "landlord_viewer", "operator_admin"])
def test_everyone_with_an_organisation_has_suivi_in_the_menu(client_of, cast, who):
    html = client_of(cast[who]).get(HOME).content.decode()
    assert f'<a href="{reverse("monitoring:dashboard")}">Suivi</a>' in html


def test_city_staff_are_pointed_to_their_territory(client_of, cast):
    html = client_of(cast["city_admin"]).get(HOME).content.decode()
    assert f'<a href="{reverse("monitoring:dashboard")}">Tableau de bord du territoire</a>' in html
    assert f'href="{reverse("monitoring:open_data")}"' in html


def test_a_landlord_is_pointed_to_its_own_dashboard(client_of, cast, landlord):
    html = client_of(cast["landlord_member"]).get(HOME).content.decode()
    url = reverse("monitoring:landlord_dashboard", args=[landlord.pk])
    assert f'<a href="{url}">Tableau de bord de Habitat du Clain</a>' in html
    assert "Tableau de bord du territoire" not in html


def test_an_operator_is_pointed_to_its_own_dashboard(client_of, cast, operator):
    html = client_of(cast["operator_admin"]).get(HOME).content.decode()
    assert reverse("monitoring:operator_dashboard", args=[operator.pk]) in html
