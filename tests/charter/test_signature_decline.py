from django.urls import reverse
from django_fsm_log.models import StateLog

from charter.models import Signature


def url(signature):
    return reverse("charter:signature_decline", args=[signature.pk])


def test_landlord_admin_declines_with_a_reason(client_of, cast, invitation):
    response = client_of(cast["landlord_admin"]).post(
        url(invitation), {"reason": "Pas de parc dans ces QPV."}, follow=True
    )
    assert "invitation est déclinée" in response.text
    invitation.refresh_from_db()
    assert (invitation.state, invitation.decline_reason) == ("declined", "Pas de parc dans ces QPV.")
    assert StateLog.objects.for_(invitation).get(transition="decline").description == "Pas de parc dans ces QPV."


def test_wrong_role_stranger_and_wrong_state(client_of, cast, invitation):
    assert client_of(cast["landlord_member"]).post(url(invitation), {}).status_code == 403
    assert client_of(cast["city_admin"]).post(url(invitation), {}).status_code == 403
    assert client_of(cast["landlord2_admin"]).post(url(invitation), {}).status_code == 404
    assert Signature.objects.get(pk=invitation.pk).state == "invited"


def test_a_signed_adhesion_cannot_be_declined(client_of, cast, signed):
    response = client_of(cast["landlord_admin"]).post(url(signed), {}, follow=True)
    assert "Action déjà effectuée" in response.text
    assert Signature.objects.get(pk=signed.pk).state == "signed"
