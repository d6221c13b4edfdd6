import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.urls import reverse
from django_fsm_log.models import StateLog

from accounts.transitions import CONCURRENT_MESSAGE, run_transition
from charter.models import Signature
from tests.factories import member


def url(signature):
    return reverse("charter:signature_sign", args=[signature.pk])


def data(signature, **extra):
    values = {"name": "Alice Bailleur", "function": "Directrice générale", "fingerprint": signature.charter.fingerprint}
    values["confirm"] = "on"
    values.update(extra)
    return values


def test_landlord_admin_signs_stating_name_and_function(client_of, cast, invitation):
    client = client_of(cast["landlord_admin"])
    page = client.get(url(invitation))
    assert invitation.charter.fingerprint in page.text
    assert "Chaque logement social des quartiers couverts" in page.text  # the text itself
    response = client.post(url(invitation), data(invitation), follow=True)
    assert "La charte est signée" in response.text
    invitation.refresh_from_db()
    assert invitation.state == "signed"
    assert (invitation.signatory_name, invitation.signatory_function) == ("Alice Bailleur", "Directrice générale")
    assert invitation.fingerprint == invitation.charter.fingerprint
    assert StateLog.objects.for_(invitation).get(transition="sign").by == cast["landlord_admin"]


def test_signing_needs_the_confirmation(client_of, cast, invitation):
    response = client_of(cast["landlord_admin"]).post(url(invitation), data(invitation, confirm=""))
    assert "Cochez cette case pour signer" in response.text
    assert Signature.objects.get(pk=invitation.pk).state == "invited"


def test_a_different_text_is_not_signed(client_of, cast, invitation):
    response = client_of(cast["landlord_admin"]).post(
        url(invitation), data(invitation, fingerprint="a" * 64), follow=True
    )
    assert "celui de la charte publiée" in response.text
    assert Signature.objects.get(pk=invitation.pk).state == "invited"


@pytest.mark.parametrize("who", ["landlord_member", "landlord_viewer", "city_admin"])
def test_only_an_admin_of_the_organisation_signs(client_of, cast, invitation, who):
    assert client_of(cast[who]).get(url(invitation)).status_code == 403
    assert client_of(cast[who]).post(url(invitation), data(invitation)).status_code == 403
    assert Signature.objects.get(pk=invitation.pk).state == "invited"


@pytest.mark.parametrize("who", ["landlord2_admin", "operator_admin", "outsider", "state_user"])
def test_strangers_get_404(client_of, cast, invitation, who):
    assert client_of(cast[who]).post(url(invitation), data(invitation)).status_code == 404


def test_signing_twice_is_a_stale_action(client_of, cast, signed):
    response = client_of(cast["landlord_admin"]).post(url(signed), data(signed), follow=True)
    assert "Action déjà effectuée" in response.text


def test_second_admin_signing_at_the_same_time_is_told(invitation, landlord, landlord_admin):
    """Two admins loaded the page; the first signs; the second's save meets ConcurrentTransition."""
    second_admin = member(landlord, email="albert@habitat-du-clain.fr", full_name="Albert Second")
    first = Signature.objects.get(pk=invitation.pk)
    second = Signature.objects.get(pk=invitation.pk)

    def request_by(user):
        request = RequestFactory().post("/")
        request.user = user
        request.session = {}
        request._messages = FallbackStorage(request)
        return request

    fields = {"signatory_name": "X", "signatory_function": "DG", "fingerprint": invitation.charter.fingerprint}
    assert run_transition(request_by(landlord_admin), first, "sign", **fields)
    request = request_by(second_admin)
    assert not run_transition(request, second, "sign", **fields)
    assert [str(m) for m in get_messages(request)] == [CONCURRENT_MESSAGE]
    stored = Signature.objects.get(pk=invitation.pk)
    assert (stored.state, stored.signed_by) == ("signed", landlord_admin)
    assert StateLog.objects.for_(stored).filter(transition="sign").count() == 1
