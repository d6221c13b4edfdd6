from decimal import Decimal

from django.urls import reverse

from charter.models import Commitment

from .factories import commit, sign


def url(commitment):
    return reverse("charter:commitment_edit", args=[commitment.pk])


def data(commitment, **extra):
    values = {
        "kind": "equipped_share",
        "version": commitment.version,
        "qpv": commitment.qpv_id,
        "target_value": "90",
        "due_date": "2028-06-30",
    }
    values.update(extra)
    return values


def test_admin_edits_a_proposal(client_of, cast, invitation, trois_cites):
    proposal = commit(invitation, "equipped_share", qpv=trois_cites, target_value=Decimal(100))
    response = client_of(cast["landlord_admin"]).post(url(proposal), data(proposal))
    assert response.status_code == 302
    assert Commitment.objects.get(pk=proposal.pk).target_value == Decimal(90)


def test_a_commitment_in_force_does_not_change(client_of, cast, signed, trois_cites):
    commitment = commit(signed, "equipped_share", qpv=trois_cites, target_value=Decimal(100))
    response = client_of(cast["landlord_admin"]).post(url(commitment), data(commitment), follow=True)
    assert "ne se modifie plus" in response.text
    assert Commitment.objects.get(pk=commitment.pk).target_value == Decimal(100)


def test_a_form_opened_before_the_signature_cannot_save(client_of, cast, invitation, landlord_admin, trois_cites):
    proposal = commit(invitation, "equipped_share", qpv=trois_cites, target_value=Decimal(100))
    form = data(proposal)
    sign(invitation, landlord_admin)
    client_of(cast["landlord_admin"]).post(url(proposal), form)
    assert Commitment.objects.get(pk=proposal.pk).target_value == Decimal(100)


def test_stale_edit_is_refused(client_of, cast, invitation, trois_cites):
    proposal = commit(invitation, "equipped_share", qpv=trois_cites, target_value=Decimal(100))
    client = client_of(cast["landlord_admin"])
    stale = data(proposal, target_value="50")
    client.post(url(proposal), data(proposal, target_value="70"))
    response = client.post(url(proposal), stale, follow=True)
    assert "a modifié cet engagement entre-temps" in response.text
    assert Commitment.objects.get(pk=proposal.pk).target_value == Decimal(70)


def test_wrong_role_and_stranger(client_of, cast, invitation, trois_cites):
    proposal = commit(invitation, "equipped_share", qpv=trois_cites, target_value=Decimal(100))
    assert client_of(cast["landlord_member"]).post(url(proposal), data(proposal)).status_code == 403
    assert client_of(cast["city_admin"]).get(url(proposal)).status_code == 403
    assert client_of(cast["landlord2_admin"]).post(url(proposal), data(proposal)).status_code == 404
    assert Commitment.objects.get(pk=proposal.pk).target_value == Decimal(100)
