import pytest
from django.urls import reverse

from tests.tfpb import factories
from tests.tfpb.pages import text
from tfpb.models import Action, ReportState


def url(action):
    return reverse("tfpb:action_delete", args=[action.pk])


@pytest.fixture
def action(report):
    return Action.objects.filter(programme__report=report).first()


def test_landlord_member_deletes_an_action(client_of, cast, action):
    response = client_of(cast["landlord_member"]).post(url(action), follow=True)
    assert "a été supprimée" in text(response)
    assert not Action.objects.filter(pk=action.pk).exists()


def test_not_from_a_submitted_report(client_of, cast, convention):
    report = factories.report(convention, status=ReportState.SUBMITTED)
    action = Action.objects.filter(programme__report=report).first()
    response = client_of(cast["landlord_admin"]).post(url(action), follow=True)
    assert "Ce bilan a été transmis" in text(response)
    assert Action.objects.filter(pk=action.pk).exists()


@pytest.mark.parametrize(
    ("who", "status"), [("landlord_viewer", 403), ("city_admin", 403), ("landlord2_admin", 404), ("outsider", 404)]
)
def test_others_cannot_delete(client_of, cast, action, who, status):
    assert client_of(cast[who]).post(url(action)).status_code == status
    assert Action.objects.filter(pk=action.pk).exists()


def test_get_is_not_allowed(client_of, cast, action):
    assert client_of(cast["landlord_admin"]).get(url(action)).status_code == 405
