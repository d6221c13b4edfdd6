import pytest
from django.urls import reverse

from accounts.models import Enrolment, Membership, Organization

URL = reverse("accounts:organization_add")


def test_city_admin_creates_a_landlord_and_invites_its_first_admin(
    client_of, cast, city, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(cast["city_admin"]).post(
            URL,
            {
                "kind": "landlord",
                "siren": "732 829 320",
                "name": "Nouveau Bailleur",
                "admin_email": "Dir@Nouveau.fr",
                "enrolled_by": city.pk,
            },
        )
    org = Organization.objects.get(siren="732829320")
    assert response.status_code == 302
    assert response["Location"] == org.get_absolute_url()
    assert Enrolment.objects.filter(organization=org, enrolled_by=city).exists()
    assert Membership.objects.get(organization=org).role == "admin"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["dir@nouveau.fr"]
    assert "/compte/mot-de-passe/nouveau/" in mailoutbox[0].body


def test_existing_siren_is_enrolled_not_created_twice(client_of, cast, city, operator2):
    other_city = Organization.create_with_territory(
        kind="city", siren="200069854", name="Ville voisine", territory=["86041"]
    )
    assert not Enrolment.objects.filter(organization=other_city, enrolled_by=city).exists()
    response = client_of(cast["city_admin"]).post(
        URL, {"kind": "city", "siren": "200069854", "name": "Autre nom", "enrolled_by": city.pk}, follow=True
    )
    assert Organization.objects.filter(siren="200069854").count() == 1
    assert Organization.objects.get(siren="200069854").name == "Ville voisine"
    assert Enrolment.objects.filter(organization=other_city, enrolled_by=city).exists()
    assert "existait déjà" in response.text


def test_bad_siren_is_refused_with_a_french_message(client_of, cast, city):
    response = client_of(cast["city_admin"]).post(
        URL, {"kind": "landlord", "siren": "732829321", "name": "X", "enrolled_by": city.pk}
    )
    assert response.status_code == 200
    assert "clé de contrôle" in response.text
    assert not Organization.objects.filter(siren="732829321").exists()


def test_city_organisation_needs_communes(client_of, cast, city):
    response = client_of(cast["city_admin"]).post(
        URL, {"kind": "city", "siren": "732829320", "name": "Commune", "enrolled_by": city.pk}
    )
    assert "au moins une commune" in response.text
    assert not Organization.objects.filter(siren="732829320").exists()


@pytest.mark.parametrize("who", ["city_member", "landlord_admin", "operator_admin"])
def test_only_city_or_state_admins_may_add(client_of, cast, who):
    assert client_of(cast[who]).get(URL).status_code == 403


def test_outsider_cannot_enrol_in_another_city(client_of, cast, city):
    response = client_of(cast["outsider"]).post(
        URL, {"kind": "landlord", "siren": "732829320", "name": "X", "enrolled_by": city.pk}
    )
    assert response.status_code == 200  # the form refuses a sponsor that is not the user's
    assert not Enrolment.objects.filter(enrolled_by=city, organization__siren="732829320").exists()
