import pytest
from django.urls import reverse

URL = reverse("charter:charter_list")


def test_city_staff_list_their_charters(client_of, cast, charter, invitation):
    text = client_of(cast["city_member"]).get(URL).text
    assert "Rédiger une charte" in text
    assert charter.get_absolute_url() in text


def test_landlord_lists_its_adhesions(client_of, cast, invitation):
    text = client_of(cast["landlord_viewer"]).get(URL).text
    assert invitation.get_absolute_url() in text
    assert "Rédiger une charte" not in text


def test_an_organisation_never_invited_is_told_how_it_works(client_of, cast, charter):
    text = client_of(cast["operator_admin"]).get(URL).text
    assert "invitée à signer aucune charte" in text
    assert charter.get_absolute_url() not in text


def test_the_outsider_sees_nothing_of_grand_poitiers(client_of, cast, charter, invitation):
    text = client_of(cast["outsider"]).get(URL).text
    assert charter.get_absolute_url() not in text and invitation.get_absolute_url() not in text


def test_nav_and_home_panels(client_of, cast, charter, invitation):
    city_home = client_of(cast["city_admin"]).get("/").text
    assert f'href="{URL}"' in city_home
    assert "1 en attente" in city_home
    landlord_home = client_of(cast["landlord_admin"]).get("/").text
    assert "en attente de votre réponse" in landlord_home
    assert invitation.get_absolute_url() in landlord_home
    state_home = client_of(cast["state_user"]).get("/").text
    assert f'href="{URL}"' not in state_home


@pytest.mark.parametrize("size", [2, 20])
def test_constant_number_of_queries(
    client_of, cast, city, landlord, city_admin, kinds, size, django_assert_max_num_queries
):
    from charter.models import Charter, Signature

    charters = Charter.objects.bulk_create(
        Charter(city=city, title=f"Charte {i}", preamble="P", number=1, created_by=city_admin) for i in range(size)
    )
    Signature.objects.bulk_create(Signature(charter=c, organization=landlord, invited_by=city_admin) for c in charters)
    for who in ("city_admin", "landlord_admin"):
        client = client_of(cast[who])
        with django_assert_max_num_queries(8):
            assert client.get(URL).status_code == 200
