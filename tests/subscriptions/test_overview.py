import datetime

import pytest
from django.urls import reverse

from tests.subscriptions import factories

URL = reverse("subscriptions:overview")

# Everyone whose organisation works with subscriptions has the page; what it lists is filtered.
LISTS_OUR_CONTRACT = {
    "landlord_admin": True,
    "landlord_viewer": True,
    "landlord2_admin": False,
    "city_admin": True,
    "state_user": True,
    "operator_admin": True,
    "operator2_admin": False,
    "outsider": False,
}


@pytest.mark.parametrize(("who", "listed"), LISTS_OUR_CONTRACT.items())
def test_who_sees_the_contract_in_the_overview(client_of, cast, world, who, listed):
    response = client_of(cast[who]).get(URL)
    assert response.status_code == 200
    assert (world.reference in response.content.decode()) == listed


def test_the_funnel_of_each_contract(client_of, cast, world):
    page = client_of(cast["landlord_admin"]).get(URL).content.decode()
    assert "Export mensuel des charges" in page
    assert '<td class="num">4</td><td class="num">1</td><td class="num">1</td>' in page  # perimeter, planned, installed


def test_constant_queries_whatever_the_number_of_contracts(
    client_of, cast, landlord, operator, world, django_assert_max_num_queries
):
    client = client_of(cast["landlord_admin"])
    client.get(URL)
    with django_assert_max_num_queries(30) as small:
        client.get(URL)
    for _ in range(5):
        residence = factories.residence(landlord)
        factories.dwellings(residence, 3)
        factories.contract(landlord, operator, [residence], start=datetime.date(2025, 1, 1))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(URL)
