from django.core import mail
from django.urls import reverse
from django_fsm_log.models import StateLog

from charter.models import Signature


def url(charter):
    return reverse("charter:signature_invite", args=[charter.pk])


def test_city_member_invites_landlords_and_operators(
    client_of, cast, charter, landlord, operator, landlord_admin, operator_admin, django_capture_on_commit_callbacks
):
    client = client_of(cast["city_member"])
    page = client.get(charter.get_absolute_url())
    assert "Habitat du Clain (bailleur social)" in page.text and "FibreCité (opérateur)" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(charter), {"organizations": [landlord.pk, operator.pk]}, follow=True)
    assert "Invitation envoyée à" in response.text
    signatures = Signature.objects.filter(charter=charter)
    assert {s.organization for s in signatures} == {landlord, operator}
    assert {s.state for s in signatures} == {"invited"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([landlord_admin.email, operator_admin.email])
    assert "Grand Poitiers invite Habitat du Clain" in next(
        m.body for m in mail.outbox if m.to == [landlord_admin.email]
    )
    log = StateLog.objects.for_(signatures.get(organization=landlord)).get()
    assert (log.state, log.by) == ("invited", cast["city_member"])


def test_already_invited_and_unknown_organisations_are_not_offered(client_of, cast, charter, invitation, landlord2):
    from tests.factories import OrganizationFactory

    unknown = OrganizationFactory(landlord=True, name="Bailleur inconnu")
    page = client_of(cast["city_admin"]).get(charter.get_absolute_url())
    assert "Logis de la Vienne" in page.text
    assert f'value="{invitation.organization.pk}"' not in page.text
    response = client_of(cast["city_admin"]).post(url(charter), {"organizations": [unknown.pk]}, follow=True)
    assert not Signature.objects.filter(organization=unknown).exists()
    assert "Sélectionnez un choix valide" in response.text


def test_nothing_checked_is_explained(client_of, cast, charter):
    response = client_of(cast["city_admin"]).post(url(charter), {}, follow=True)
    assert "Cochez au moins une organisation" in response.text


def test_draft_takes_no_invitation(client_of, cast, draft, landlord):
    response = client_of(cast["city_admin"]).post(url(draft), {"organizations": [landlord.pk]}, follow=True)
    assert "pas ouverte à la signature" in response.text
    assert not Signature.objects.exists()


def test_wrong_role_and_stranger(client_of, cast, charter, invitation, landlord2, city):
    from accounts.models import Role
    from tests.factories import member

    viewer = member(city, Role.VIEWER, email="vera@grandpoitiers.fr")
    assert client_of(viewer).post(url(charter), {"organizations": [landlord2.pk]}).status_code == 403
    assert client_of(cast["landlord_admin"]).post(url(charter), {"organizations": [landlord2.pk]}).status_code == 403
    assert client_of(cast["outsider"]).post(url(charter), {"organizations": [landlord2.pk]}).status_code == 404
    assert not Signature.objects.filter(organization=landlord2).exists()
