import datetime

import pytest
from django.urls import reverse

from tests.tfpb.pages import text
from tfpb.models import Convention, ConventionParty, ConventionState


def url(convention):
    return reverse("tfpb:convention_sign", args=[convention.pk])


def sign(client, convention, day="2025-03-12"):
    return client.post(url(convention), {"signed_on": day}, follow=True)


def test_landlord_admin_signs_for_its_organisation(client_of, cast, draft_convention, landlord):
    response = sign(client_of(cast["landlord_admin"]), draft_convention)
    party = ConventionParty.objects.get(convention=draft_convention, organization=landlord)
    assert party.signed_on == datetime.date(2025, 3, 12)
    assert party.signed_by == cast["landlord_admin"]
    assert Convention.objects.get(pk=draft_convention.pk).state == ConventionState.DRAFT
    assert "Habitat du Clain a signé la convention." in text(response)


def test_the_last_signature_makes_it_signed_by_all(client_of, cast, draft_convention, landlord, city):
    ConventionParty.objects.filter(convention=draft_convention, organization__in=[landlord, city]).update(
        signed_on=datetime.date(2025, 3, 1)
    )
    response = sign(client_of(cast["state_user"]), draft_convention)
    assert Convention.objects.get(pk=draft_convention.pk).state == ConventionState.SIGNED
    assert "Toutes les parties ont signé" in text(response)
    assert "Signature de Préfecture de la Vienne datée du 12/03/2025" in text(response)  # history


def test_the_form_states_the_deadline(client_of, cast, draft_convention):
    response = client_of(cast["city_admin"]).get(url(draft_convention))
    assert response.status_code == 200
    assert "Date limite de signature : <strong>31/03/2025</strong>" in text(response)
    assert "Signer pour Grand Poitiers" in text(response)


def test_a_future_date_is_refused(client_of, cast, draft_convention):
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    response = client_of(cast["city_admin"]).post(url(draft_convention), {"signed_on": tomorrow.isoformat()})
    assert "La date de signature ne peut pas être dans le futur." in text(response)
    assert not ConventionParty.objects.filter(convention=draft_convention, signed_on__isnull=False).exists()


@pytest.mark.parametrize("who", ["landlord_member", "landlord_viewer", "city_member"])
def test_only_an_admin_signs_for_its_party(client_of, cast, draft_convention, who):
    assert client_of(cast[who]).get(url(draft_convention)).status_code == 403
    assert client_of(cast[who]).post(url(draft_convention), {"signed_on": "2025-03-12"}).status_code == 403


@pytest.mark.parametrize("who", ["landlord2_admin", "operator_admin", "outsider"])
def test_strangers_get_404(client_of, cast, draft_convention, who):
    assert client_of(cast[who]).post(url(draft_convention), {"signed_on": "2025-03-12"}).status_code == 404


def test_a_party_that_signed_cannot_sign_twice(client_of, cast, draft_convention, city):
    client = client_of(cast["city_admin"])
    sign(client, draft_convention)
    response = sign(client, draft_convention, "2025-03-20")
    assert "Votre organisation a déjà signé cette convention." in text(response)
    assert ConventionParty.objects.get(convention=draft_convention, organization=city).signed_on == datetime.date(
        2025, 3, 12
    )


def test_no_signature_once_in_force(client_of, cast, convention):
    response = sign(client_of(cast["city_admin"]), convention)
    assert "Votre organisation a déjà signé cette convention." in text(response)
