from decimal import Decimal

from django.urls import reverse

from charter.models import Commitment

from .factories import commit


def url(commitment):
    return reverse("charter:commitment_delete", args=[commitment.pk])


def test_admin_deletes_a_proposal(client_of, cast, invitation, trois_cites):
    proposal = commit(invitation, "equipped_share", qpv=trois_cites, target_value=Decimal(100))
    client_of(cast["landlord_admin"]).post(url(proposal))
    assert not Commitment.objects.exists()


def test_a_commitment_in_force_stays(client_of, cast, signed):
    commitment = commit(signed, "tenant_charge_ceiling", target_value=Decimal(3))
    response = client_of(cast["landlord_admin"]).post(url(commitment), follow=True)
    assert "ne se modifie plus" in response.text
    assert Commitment.objects.filter(pk=commitment.pk).exists()


def test_wrong_role_and_stranger(client_of, cast, invitation):
    proposal = commit(invitation, "tenant_charge_ceiling", target_value=Decimal(3))
    assert client_of(cast["landlord_viewer"]).post(url(proposal)).status_code == 403
    assert client_of(cast["outsider"]).post(url(proposal)).status_code == 404
    assert client_of(cast["landlord_admin"]).get(url(proposal)).status_code == 405
    assert Commitment.objects.filter(pk=proposal.pk).exists()
