import pytest
from django.urls import reverse

URL = reverse("subscriptions:regularisation_list")

# Any landlord's member sees its own landlord's regularisations; who belongs to no landlord gets 404.
SEES = {
    "landlord_admin": 200,
    "landlord_viewer": 200,
    "landlord2_admin": 200,
    "city_admin": 404,
    "state_user": 404,
    "operator_admin": 404,
    "outsider": 404,
}


@pytest.mark.parametrize(("who", "status"), SEES.items())
def test_who_sees_the_list(client_of, cast, regularisation, who, status):
    response = client_of(cast[who]).get(URL)
    assert response.status_code == status
    if status == 200:
        assert ("Régularisation 2025" in response.content.decode()) == (who != "landlord2_admin")


def test_an_editor_may_establish_one(client_of, cast, regularisation):
    assert "Établir une régularisation" in client_of(cast["landlord_member"]).get(URL).content.decode()
