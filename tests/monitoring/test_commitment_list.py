"""The commitments behind the dashboard's counts (suivi/engagements/ and its landlord and operator twins)."""

import pytest
from django.urls import reverse

from .test_dashboard import queries, text

TERRITORY = reverse("monitoring:commitment_list")


@pytest.mark.parametrize(("who", "status"), [("city_admin", 200), ("state_user", 200), ("outsider", 200)])
def test_territorial_staff_open_the_list(client_of, cast, scene, who, status):
    assert client_of(cast[who]).get(TERRITORY).status_code == status


@pytest.mark.parametrize("who", ["landlord_admin", "operator_admin"])
def test_the_territory_list_is_refused_to_landlords_and_operators(client_of, cast, scene, who):
    assert client_of(cast[who]).get(TERRITORY).status_code == 403


@pytest.mark.parametrize(
    ("who", "status"),
    [("landlord_viewer", 200), ("landlord2_admin", 404), ("city_admin", 403), ("operator_admin", 404)],
)
def test_who_may_read_a_landlords_commitments(client_of, cast, scene, landlord, who, status):
    url = reverse("monitoring:landlord_commitments", args=[landlord.pk])
    assert client_of(cast[who]).get(url).status_code == status


@pytest.mark.parametrize(("who", "status"), [("operator_admin", 200), ("operator2_admin", 404), ("city_admin", 403)])
def test_who_may_read_an_operators_commitments(client_of, cast, scene, operator, who, status):
    url = reverse("monitoring:operator_commitments", args=[operator.pk])
    assert client_of(cast[who]).get(url).status_code == status


def test_city_staff_see_each_commitment_of_their_charter_with_its_measured_value(client_of, cast, scene, landlord2):
    page = text(client_of(cast["city_admin"]).get(TERRITORY))
    assert "1 atteint, 1 en bonne voie, 1 en retard" in page
    assert "Logis de la Vienne Grand Poitiers" in page
    assert "3 logements équipés d'une box sur 6" in page
    assert "Bellevue" not in page


def test_filter_by_status_and_drill_down_to_the_dwellings(client_of, cast, scene, landlord2):
    response = client_of(cast["city_admin"]).get(TERRITORY, {"status": "late"})
    table = text(response).split("Engagements (1 affiché)")[1]
    assert "Logis de la Vienne" in table and "Habitat du Clain" not in table
    assert f'href="/parc/?qpv=QN08603M&amp;landlord={landlord2.pk}"' in response.content.decode()


def test_city_staff_open_the_signature_the_state_does_not_get_a_link(client_of, cast, scene):
    from charter.models import Signature

    signature = Signature.objects.get(organization__name="Logis de la Vienne")
    assert signature.get_absolute_url() in client_of(cast["city_admin"]).get(TERRITORY).content.decode()
    assert signature.get_absolute_url() not in client_of(cast["state_user"]).get(TERRITORY).content.decode()


def test_the_landlord_sees_its_commitments_in_every_charter(client_of, cast, scene, landlord):
    page = text(client_of(cast["landlord_admin"]).get(reverse("monitoring:landlord_commitments", args=[landlord.pk])))
    assert "Grand Poitiers" in page and "Brest Métropole" in page
    assert "Logis de la Vienne" not in page


def test_the_same_number_of_queries_whatever_the_size(client_of, cast, scene, landlord, city):
    from .test_dashboard import grow

    client = client_of(cast["city_admin"])
    client.get(TERRITORY)
    small = queries(client, TERRITORY)
    grow(landlord, city, cast["city_admin"], cast["landlord_admin"], 12)
    assert queries(client, TERRITORY) == small
