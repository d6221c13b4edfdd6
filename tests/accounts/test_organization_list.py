import pytest
from django.urls import reverse

from accounts.models import TerritoryCommune
from tests.factories import OrganizationFactory, enrol

URL = reverse("accounts:organization_list")


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_city_admin_sees_the_organisations_of_its_territory(client_of, cast, landlord, operator, elsewhere_city):
    response = client_of(cast["city_admin"]).get(URL)
    assert response.status_code == 200
    assert landlord.name in response.text
    assert operator.name in response.text
    assert elsewhere_city.name not in response.text
    assert "Ajouter une organisation" in response.text


def test_landlord_sees_itself_and_its_partners_not_its_rival(client_of, cast, landlord, landlord2, city):
    response = client_of(cast["landlord_admin"]).get(URL)
    assert landlord.name in response.text
    assert city.name in response.text
    assert landlord2.name not in response.text
    assert "Ajouter une organisation" not in response.text


def test_outsider_sees_only_its_own(client_of, cast, landlord, elsewhere_city):
    response = client_of(cast["outsider"]).get(URL)
    assert elsewhere_city.name in response.text
    assert landlord.name not in response.text


def test_filter_by_kind(client_of, cast, landlord, operator):
    response = client_of(cast["city_admin"]).get(URL, {"kind": "operator"})
    assert operator.name in response.text
    assert landlord.name not in response.text


@pytest.mark.parametrize("size", [5, 60])
def test_constant_number_of_queries(client_of, cast, city, size, django_assert_max_num_queries):
    for _ in range(size):
        org = OrganizationFactory(city=True)
        TerritoryCommune.objects.create(organization=org, insee_code="86194")
        enrol(org, city)
    client = client_of(cast["city_admin"])
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert response.status_code == 200
