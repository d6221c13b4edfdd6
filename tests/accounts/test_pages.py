import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("legal_notice", "Mentions légales"),
        ("privacy", "Données personnelles"),
        ("accessibility", "Déclaration d'accessibilité"),
    ],
)
def test_legal_pages_are_public(client, db, name, title):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert f"<h1>{title}</h1>" in response.text


def test_privacy_page_says_the_lease_reference_is_pseudonymous(client, db):
    text = client.get(reverse("privacy")).text
    assert "Aucun nom de locataire" in text
    assert "donnée personnelle pseudonyme" in text


def test_home_requires_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?next=/"


@pytest.mark.parametrize(
    ("who", "heading"),
    [
        ("landlord_admin", "vos prochaines étapes"),
        ("city_admin", "suivre votre territoire"),
        ("operator_admin", "vos prochaines étapes"),
        ("state_user", "suivre votre territoire"),
    ],
)
def test_each_kind_has_its_home(client_of, cast, who, heading):
    response = client_of(cast[who]).get("/")
    assert response.status_code == 200
    assert heading in response.text


def test_user_without_organisation_is_told_what_to_do(client_of, db):
    from tests.factories import UserFactory

    response = client_of(UserFactory()).get("/")
    assert "rattaché à aucune organisation" in response.text


def test_navigation_marks_the_current_page(client_of, cast):
    response = client_of(cast["city_admin"]).get(reverse("accounts:organization_list"))
    assert 'href="/compte/organisations/" aria-current="page"' in response.text


def test_login_with_wrong_password_gets_a_french_message(client, landlord_admin):
    response = client.post(reverse("accounts:login"), {"username": landlord_admin.email, "password": "faux"})
    assert "Adresse e-mail ou mot de passe incorrect" in response.text


def test_login_is_case_insensitive_on_the_email(client, landlord_admin):
    response = client.post(
        reverse("accounts:login"),
        {"username": landlord_admin.email.upper(), "password": "motdepasse-de-test"},
    )
    assert response.status_code == 302


def test_password_reset_sends_a_link(client, landlord_admin, mailoutbox):
    client.post(reverse("accounts:password_reset"), {"email": landlord_admin.email})
    assert len(mailoutbox) == 1
    assert "/compte/mot-de-passe/nouveau/" in mailoutbox[0].body
