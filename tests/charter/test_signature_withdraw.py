from django.urls import reverse
from django_fsm_log.models import StateLog

from charter.models import Signature


def url(signature):
    return reverse("charter:signature_withdraw", args=[signature.pk])


def test_landlord_admin_withdraws_giving_a_reason(client_of, cast, signed):
    client = client_of(cast["landlord_admin"])
    response = client.post(url(signed), {"reason": "Fusion avec un autre bailleur."}, follow=True)
    assert "adhésion est retirée" in response.text
    signed.refresh_from_db()
    assert (signed.state, signed.withdrawal_reason) == ("withdrawn", "Fusion avec un autre bailleur.")
    assert StateLog.objects.for_(signed).get(transition="withdraw").description == "Fusion avec un autre bailleur."
    assert "Fusion avec un autre bailleur." in client.get(signed.get_absolute_url()).text


def test_a_reason_is_required(client_of, cast, signed):
    response = client_of(cast["landlord_admin"]).post(url(signed), {"reason": "  "})
    assert "Indiquez le motif du retrait" in response.text
    assert Signature.objects.get(pk=signed.pk).state == "signed"


def test_wrong_role_stranger_and_wrong_state(client_of, cast, signed, invitation):
    assert client_of(cast["landlord_viewer"]).post(url(signed), {"reason": "x"}).status_code == 403
    assert client_of(cast["city_admin"]).post(url(signed), {"reason": "x"}).status_code == 403
    assert client_of(cast["outsider"]).post(url(signed), {"reason": "x"}).status_code == 404
    assert Signature.objects.get(pk=signed.pk).state == "signed"


def test_an_unsigned_invitation_cannot_be_withdrawn(client_of, cast, invitation):
    response = client_of(cast["landlord_admin"]).post(url(invitation), {"reason": "x"}, follow=True)
    assert "Action déjà effectuée" in response.text
    assert Signature.objects.get(pk=invitation.pk).state == "invited"
