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
