import datetime

import pytest
from django.urls import reverse

from tfpb.models import ConventionParty


def url(convention):
    return reverse("tfpb:convention_detail", args=[convention.pk])


@pytest.mark.parametrize("who", ["landlord_admin", "landlord_viewer", "city_member", "state_user"])
def test_the_parties_see_the_convention(client_of, cast, convention, who):
    response = client_of(cast[who]).get(url(convention))
    assert response.status_code == 200
    assert "Grand Poitiers" in response.text
    assert "Préfecture de la Vienne" in response.text


@pytest.mark.parametrize("who", ["landlord2_admin", "operator_admin", "outsider"])
def test_strangers_get_404(client_of, cast, convention, who):
    assert client_of(cast[who]).get(url(convention)).status_code == 404


def test_the_deadline_rule_is_shown_and_marked_to_check(client_of, cast, convention):
    text = client_of(cast["city_admin"]).get(url(convention)).text
    assert "Date limite de signature : <strong>31/03/2025</strong>" in text
    assert "à vérifier" in text
    assert "la convention respecte la date limite" in text


def test_a_late_signature_is_pointed_out(client_of, cast, convention, state):
    ConventionParty.objects.filter(convention=convention, organization=state).update(
        signed_on=datetime.date(2025, 4, 2)
    )
    text = client_of(cast["city_admin"]).get(url(convention)).text
    assert "hors délai" in text
    assert "signée après la date limite" in text


def test_the_landlord_may_prepare_a_programme_city_staff_may_not(client_of, cast, convention):
    assert "Préparer le programme 2025" in client_of(cast["landlord_member"]).get(url(convention)).text
    assert "Préparer le programme 2025" not in client_of(cast["city_admin"]).get(url(convention)).text


def test_sign_button_only_for_admins_of_a_party_not_yet_signed(client_of, cast, draft_convention):
    assert "Signer la convention" in client_of(cast["landlord_admin"]).get(url(draft_convention)).text
    assert "Signer la convention" in client_of(cast["state_user"]).get(url(draft_convention)).text
    assert "Signer la convention" not in client_of(cast["landlord_member"]).get(url(draft_convention)).text
