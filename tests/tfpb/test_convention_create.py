import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import OrganizationFactory, enrol, member
from tfpb.models import Convention, ConventionState, PartyRole

URL = reverse("tfpb:convention_create")


def data(city, state, *qpvs, **extra):
    return {
        "reference": "Convention Trois Cités",
        "start_year": "2025",
        "end_year": "2030",
        "qpvs": [q.pk for q in qpvs],
        "epci": city.pk,
        "state": state.pk,
        "state_reviews": "on",
        "report_due_day": "30",
        "report_due_month": "6",
        **extra,
    }


@pytest.mark.parametrize("who", ["landlord_admin", "landlord_member"])
def test_landlord_editor_creates_a_draft_with_its_parties(client_of, cast, landlord, city, state, trois_cites, who):
    response = client_of(cast[who]).post(URL, data(city, state, trois_cites))
    convention = Convention.objects.get()
    assert response.status_code == 302
    assert response["Location"] == convention.get_absolute_url()
    assert convention.state == ConventionState.DRAFT
    assert convention.landlord == landlord
    assert list(convention.qpvs.all()) == [trois_cites]
    parties = {(p.organization, p.role, p.reviews_reports) for p in convention.parties.all()}
    assert parties == {
        (landlord, PartyRole.LANDLORD, False),
        (city, PartyRole.EPCI, True),
        (state, PartyRole.STATE, True),
    }


def test_communes_sign_beside_the_epci(client_of, cast, landlord, city, state, trois_cites):
    poitiers = OrganizationFactory(city=True, name="Ville de Poitiers", territory=["86194"])
    enrol(landlord, poitiers)
    client_of(cast["landlord_admin"]).post(URL, data(city, state, trois_cites, communes=[poitiers.pk]))
    convention = Convention.objects.get()
    assert convention.parties.get(organization=poitiers).role == PartyRole.COMMUNE


def test_a_qpv_outside_every_signing_city_is_refused(client_of, cast, landlord, city, state, trois_cites):
    buxerolles = OrganizationFactory(city=True, name="Ville de Buxerolles", territory=["86041"])
    enrol(landlord, buxerolles)
    response = client_of(cast["landlord_admin"]).post(
        URL, data(city, state, trois_cites, epci="", communes=[buxerolles.pk])
    )
    assert response.status_code == 200
    assert "Aucune collectivité signataire ne couvre la commune de : QN08604M" in response.text
    assert not Convention.objects.exists()


def test_at_least_one_city_party_is_required(client_of, cast, city, state, trois_cites):
    response = client_of(cast["landlord_admin"]).post(URL, data(city, state, trois_cites, epci=""))
    assert "Choisissez au moins une commune ou un EPCI signataire." in response.text
    assert not Convention.objects.exists()


def test_the_period_must_be_in_order(client_of, cast, city, state, trois_cites):
    response = client_of(cast["landlord_admin"]).post(URL, data(city, state, trois_cites, end_year="2024"))
    assert "La dernière année ne peut pas précéder la première." in response.text


def test_the_form_offers_the_qpv_of_the_partner_cities_only(client_of, cast, city, trois_cites):
    from tests.tfpb.factories import qpv

    brest = qpv("QN02901M")
    text = client_of(cast["landlord_admin"]).get(URL).text
    assert "QN08604M" in text
    assert brest.code not in text


@pytest.mark.parametrize("who", ["landlord_viewer", "city_admin", "state_user", "operator_admin"])
def test_others_cannot_create(client_of, cast, who):
    assert client_of(cast[who]).get(URL).status_code == 403


def test_a_member_of_two_landlords_creates_for_the_first_it_edits(client_of, landlord, city, state, trois_cites):
    user = member(landlord, Role.VIEWER, email="double@exemple.fr")
    other = OrganizationFactory(landlord=True, name="Autre bailleur")
    enrol(other, city)
    enrol(other, state)
    from accounts.models import Membership

    Membership.objects.create(user=user, organization=other, role=Role.ADMIN)
    client_of(user).post(URL, data(city, state, trois_cites))
    assert Convention.objects.get().landlord == other
