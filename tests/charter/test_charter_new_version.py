from decimal import Decimal

from django.core import mail
from django.urls import reverse

from charter.models import Charter, Signature

from .factories import commit


def url(charter):
    return reverse("charter:charter_new_version", args=[charter.pk])


def test_city_writes_and_publishes_a_new_version(
    client_of, cast, signed, trois_cites, django_capture_on_commit_callbacks
):
    old = signed.charter
    commit(signed, "equipped_share", qpv=trois_cites, target_value=Decimal(90))
    client = client_of(cast["city_admin"])
    response = client.post(url(old))
    draft = Charter.objects.get(previous=old)
    assert response["Location"] == reverse("charter:charter_edit", args=[draft.pk])
    assert (draft.number, draft.state, draft.articles) == (2, "draft", old.articles)
    Charter.objects.filter(pk=draft.pk).update(effective_date="2027-06-01")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("charter:charter_publish", args=[draft.pk]))
    old.refresh_from_db()
    assert old.state == "superseded"
    new = Signature.objects.get(charter=draft)
    assert (new.state, new.replaces) == ("invited", signed)
    assert new.commitments.get().target_value == Decimal(90)
    assert [m.to for m in mail.outbox] == [[cast["landlord_admin"].email]]
    assert "vos engagements précédents vous sont proposés" in mail.outbox[0].body
    # The old version stays readable, with its adhesion.
    assert "Remplacée" in client.get(old.get_public_url()).text
    assert client.get(reverse("charter:signature_detail", args=[signed.pk])).status_code == 200


def test_only_one_draft_at_a_time(client_of, cast, charter):
    client = client_of(cast["city_member"])
    client.post(url(charter))
    response = client.post(url(charter), follow=True)
    assert "Action déjà effectuée" in response.text
    assert Charter.objects.filter(previous=charter).count() == 1


def test_wrong_role_and_stranger(client_of, cast, charter, invitation):
    assert client_of(cast["landlord_admin"]).post(url(charter)).status_code == 403
    assert client_of(cast["outsider"]).post(url(charter)).status_code == 404
    assert not Charter.objects.filter(previous=charter).exists()


def test_a_draft_has_no_new_version(client_of, cast, draft):
    client_of(cast["city_admin"]).post(url(draft))
    assert not Charter.objects.filter(previous=draft).exists()
