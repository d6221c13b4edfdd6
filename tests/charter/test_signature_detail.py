import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from .factories import commit


def url(signature):
    return reverse("charter:signature_detail", args=[signature.pk])


def test_landlord_sees_its_signature_commitments_and_progress(client_of, cast, signed, stock, trois_cites):
    commit(signed, "equipped_share", qpv=trois_cites, target_value=Decimal(100), due_date=datetime.date(2030, 12, 31))
    commit(signed, "tenant_charge_ceiling", target_value=Decimal(3))
    response = client_of(cast["landlord_viewer"]).get(url(signed))
    assert response.status_code == 200
    text = response.text
    assert "Signée" in text and signed.fingerprint in text
    assert "au moins 100 % au 31/12/2030" in text
    assert "20 %" in text  # 2 of 10 dwellings equipped
    assert "2 logements équipés d&#x27;une box sur 10" in text
    assert "Aucun locataire n&#x27;est encore facturé." in text  # the ceiling, measured by subscriptions
    assert "Télécharger l'attestation de signature" in text
    assert "Historique" in text and "Signée" in text
    assert "Ajouter un engagement" not in text  # a viewer does not set commitments
    assert "Retirer l&#x27;adhésion" not in text


def test_admin_sees_the_actions(client_of, cast, signed):
    text = client_of(cast["landlord_admin"]).get(url(signed)).text
    assert "Ajouter un engagement" in text
    assert "Retirer l&#x27;adhésion" in text


def test_invited_admin_sees_sign_and_decline(client_of, cast, invitation):
    text = client_of(cast["landlord_admin"]).get(url(invitation)).text
    assert "Signer la charte" in text and "Décliner l&#x27;invitation" in text
    assert "attestation" not in text


def test_city_staff_see_the_signature_without_its_actions(client_of, cast, signed):
    text = client_of(cast["city_member"]).get(url(signed)).text
    assert "Adhésion de Habitat du Clain" in text
    assert "Retirer l&#x27;adhésion" not in text and "Ajouter un engagement" not in text


@pytest.mark.parametrize("who", ["landlord2_admin", "operator_admin", "state_user", "outsider"])
def test_strangers_get_404(client_of, cast, signed, who):
    assert client_of(cast[who]).get(url(signed)).status_code == 404
