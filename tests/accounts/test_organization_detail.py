import pytest
from django.urls import reverse

# Who sees the landlord's page: itself, the city and the State that enrolled it.
EXPECTED = {
    "landlord_admin": 200,
    "landlord_member": 200,
    "landlord_viewer": 200,
    "landlord2_admin": 404,
    "city_admin": 200,
    "city_member": 200,
    "state_user": 200,
    "operator_admin": 404,
    "operator2_admin": 404,
    "outsider": 404,
}


@pytest.mark.parametrize(("who", "status"), EXPECTED.items())
def test_landlord_page_by_role(client_of, cast, landlord, who, status):
    response = client_of(cast[who]).get(reverse("accounts:organization_detail", args=[landlord.pk]))
    assert response.status_code == status


def test_members_are_listed_to_members_only(client_of, cast, landlord):
    url = reverse("accounts:organization_detail", args=[landlord.pk])
    assert "alice@habitat-du-clain.fr" in client_of(cast["landlord_viewer"]).get(url).text
    assert "alice@habitat-du-clain.fr" not in client_of(cast["city_admin"]).get(url).text


def test_stranger_gets_a_french_404(client_of, cast, landlord):
    response = client_of(cast["outsider"]).get(reverse("accounts:organization_detail", args=[landlord.pk]))
    assert response.status_code == 404
    assert "Page introuvable" in response.text
