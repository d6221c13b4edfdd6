import pytest
from django.urls import reverse

from tests.factories import OrganizationFactory
from tests.tfpb import factories

URL = reverse("tfpb:convention_list")


@pytest.mark.parametrize("who", ["landlord_admin", "landlord_viewer", "city_admin", "state_user"])
def test_the_parties_see_the_convention(client_of, cast, convention, who):
    response = client_of(cast[who]).get(URL)
    assert response.status_code == 200
    assert "Convention de test" in response.text


@pytest.mark.parametrize("who", ["landlord2_admin", "operator_admin", "outsider"])
def test_others_do_not_see_it(client_of, cast, convention, who):
    response = client_of(cast[who]).get(URL)
    assert response.status_code == 200
    assert "Convention de test" not in response.text
    assert "Aucune convention pour l'instant" in response.text


def test_only_landlord_editors_may_create(client_of, cast):
    assert "Nouvelle convention" in client_of(cast["landlord_member"]).get(URL).text
    assert "Nouvelle convention" not in client_of(cast["landlord_viewer"]).get(URL).text
    assert "Nouvelle convention" not in client_of(cast["city_admin"]).get(URL).text


@pytest.mark.parametrize("size", [2, 12])
def test_constant_number_of_queries(client_of, cast, city, state, trois_cites, size, django_assert_max_num_queries):
    for _ in range(size):
        landlord = OrganizationFactory(landlord=True)
        convention = factories.convention(landlord, cities=[city], state=state, qpvs=[trois_cites])
        factories.report(convention, complete=False)
    client = client_of(cast["city_admin"])
    with django_assert_max_num_queries(9):
        response = client.get(URL)
    assert response.text.count("Convention de test") == size
