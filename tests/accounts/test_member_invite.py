import pytest
from django.urls import reverse

from accounts.models import Membership, User
from tests.factories import OrganizationFactory, enrol


def url(org):
    return reverse("accounts:member_invite", args=[org.pk])


def test_landlord_admin_invites_a_member(client_of, cast, landlord, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_of(cast["landlord_admin"]).post(
            url(landlord), {"email": "nouveau@habitat-du-clain.fr", "role": "member"}
        )
    membership = Membership.objects.get(user__email="nouveau@habitat-du-clain.fr")
    assert membership.organization == landlord
    assert membership.role == "member"
    assert not membership.user.has_usable_password()
    assert "choisissez votre mot de passe" in mailoutbox[0].body


def test_invited_user_chooses_a_password_and_logs_in(
    client, client_of, cast, landlord, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_of(cast["landlord_admin"]).post(
            url(landlord), {"email": "nouveau@habitat-du-clain.fr", "role": "viewer"}
        )
    client.logout()
    link = next(line for line in mailoutbox[0].body.splitlines() if "/mot-de-passe/nouveau/" in line)
    path = link.split("127.0.0.1:8000")[1]
    response = client.get(path, follow=True)  # Django swaps the token for a session, then redirects
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "un-mot-de-passe-solide-26", "new_password2": "un-mot-de-passe-solide-26"},
    )
    assert response.status_code == 302
    assert client.login(username="nouveau@habitat-du-clain.fr", password="un-mot-de-passe-solide-26")


def test_already_member_is_told(client_of, cast, landlord):
    response = client_of(cast["landlord_admin"]).post(
        url(landlord), {"email": cast["landlord_member"].email, "role": "member"}, follow=True
    )
    assert "fait déjà partie" in response.text


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("landlord_member", 403),
        ("landlord_viewer", 403),
        ("city_admin", 403),
        ("operator_admin", 404),
        ("outsider", 404),
    ],
)
def test_others_cannot_invite(client_of, cast, landlord, who, status):
    response = client_of(cast[who]).post(url(landlord), {"email": "x@example.fr", "role": "admin"})
    assert response.status_code == status
    assert not User.objects.filter(email="x@example.fr").exists()


def test_get_is_not_allowed(client_of, cast, landlord):
    assert client_of(cast["landlord_admin"]).get(url(landlord)).status_code == 405


def test_city_admin_invites_the_first_admin_of_an_organisation_it_enrolled(client_of, cast, city):
    newcomer = OrganizationFactory(operator=True)
    enrol(newcomer, city)
    response = client_of(cast["city_admin"]).post(url(newcomer), {"email": "chef@operateur.fr", "role": "viewer"})
    assert response.status_code == 302
    assert Membership.objects.get(organization=newcomer).role == "admin"  # always an admin
    # once it has an admin, the organisation manages its own members
    response = client_of(cast["city_admin"]).post(url(newcomer), {"email": "autre@operateur.fr", "role": "admin"})
    assert response.status_code == 403
