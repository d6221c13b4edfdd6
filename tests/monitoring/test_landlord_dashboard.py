"""A landlord's own dashboard (suivi/bailleurs/<pk>/): the same figures over its whole stock."""

import pytest
from django.urls import reverse

from accounts.models import Organization

from .test_dashboard import grow, key_figure, queries, text

# Its members see it; who sees the landlord without belonging to it gets 403 (the city and State that
# enrolled it, Brest Métropole where it has Le Phare); strangers 404.
MATRIX = {
    "landlord_admin": 200,
    "landlord_member": 200,
    "landlord_viewer": 200,
    "landlord2_admin": 404,
    "city_admin": 403,
    "city_member": 403,
    "state_user": 403,
    "operator_admin": 404,
    "operator2_admin": 404,
    "outsider": 403,
}


def url(organization):
    return reverse("monitoring:landlord_dashboard", args=[organization.pk])


@pytest.mark.parametrize(("who", "status"), MATRIX.items())
def test_who_may_open_habitat_du_clains_dashboard(client_of, cast, scene, landlord, who, status):
    assert client_of(cast[who]).get(url(landlord)).status_code == status


def test_an_organisation_that_is_not_a_landlord_gets_404(client_of, cast, scene, operator):
    assert client_of(cast["operator_admin"]).get(url(operator)).status_code == 404


def test_unknown_landlord_gets_404(client_of, cast, scene):
    assert (
        client_of(cast["landlord_admin"]).get(reverse("monitoring:landlord_dashboard", args=[999999])).status_code
        == 404
    )


def test_the_landlord_sees_its_whole_stock_with_brest(client_of, cast, scene, landlord):
    response = client_of(cast["landlord_viewer"]).get(url(landlord))
    page = text(response)
    # Poitiers 21 (Trois Cités 16, outside QPV 5) and Brest 8; equipped 7 + 8.
    assert key_figure(response, "Logements du parc").startswith("29 au ")
    assert key_figure(response, "Équipés d'une box").startswith("52 % 15 logements")
    assert key_figure(response, "Abonnements actifs").startswith("7 % 2 logements")
    assert "Bellevue (QN02901M)" in page
    assert "Bel Air Soleil" not in page and "Logis de la Vienne" not in page
    # Its own tenders, the draft included; its commitments in both charters.
    assert "1 — brouillon" in page
    assert key_figure(response, "Engagements de la charte").startswith("2 atteints 1 en bonne voie 0 en retard")


def test_no_landlord_filter_on_ones_own_dashboard(client_of, cast, scene, landlord):
    html = client_of(cast["landlord_admin"]).get(url(landlord)).content.decode()
    assert 'name="landlord"' not in html
    assert 'href="/parc/?equipment=box"' in html


def test_the_same_number_of_queries_whatever_the_size(client_of, cast, scene, landlord, city):
    client = client_of(cast["landlord_admin"])
    client.get(url(landlord))
    small = queries(client, url(landlord))
    grow(landlord, city, cast["city_admin"], cast["landlord_admin"], 12)
    grow(landlord, city, cast["city_admin"], cast["landlord_admin"], 40)
    assert queries(client, url(landlord)) == small
    assert Organization.objects.filter(kind="landlord").count() == 4
