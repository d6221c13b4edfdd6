from decimal import Decimal

import pytest
from django.urls import reverse

from tests.tfpb import factories
from tests.tfpb.pages import text
from tfpb.models import Action, ReportState


def url(action):
    return reverse("tfpb:action_edit", args=[action.pk])


@pytest.fixture
def action(report):
    return Action.objects.filter(programme__report=report).first()


def data(action, **extra):
    return {
        "version": action.version,
        "target": f"axis-{action.axis_id}",
        "title": "Animation corrigée",
        "planned_amount": "1000",
        "realised_amount": "950",
        "indicators": "12 ateliers, 140 participants",
        **extra,
    }


def test_landlord_member_corrects_an_action(client_of, cast, action):
    response = client_of(cast["landlord_member"]).post(url(action), data(action))
    assert response.status_code == 302
    action = Action.objects.get(pk=action.pk)
    assert (action.title, action.realised_amount) == ("Animation corrigée", Decimal("950"))
    assert action.indicators == "12 ateliers, 140 participants"


def test_the_form_shows_the_current_values(client_of, cast, action):
    page = text(client_of(cast["landlord_member"]).get(url(action)))
    assert 'value="1000,00"' in page
    assert 'value="Animation QN08' in page


def test_a_stale_form_does_not_overwrite(client_of, cast, action):
    client = client_of(cast["landlord_member"])
    client.post(url(action), data(action, title="Premier"))
    response = client.post(url(action), data(action, title="Second"), follow=True)
    assert "Vos changements n'ont pas été enregistrés" in text(response)
    assert Action.objects.get(pk=action.pk).title == "Premier"


def test_a_returned_report_can_be_corrected(client_of, cast, convention):
    report = factories.report(convention, status=ReportState.RETURNED)
    action = Action.objects.filter(programme__report=report).first()
    assert client_of(cast["landlord_member"]).post(url(action), data(action)).status_code == 302
    assert Action.objects.get(pk=action.pk).title == "Animation corrigée"


@pytest.mark.parametrize("status", [ReportState.SUBMITTED, ReportState.RESUBMITTED, ReportState.VALIDATED])
def test_a_frozen_report_cannot_be_changed(client_of, cast, convention, status):
    report = factories.report(convention, status=status)
    action = Action.objects.filter(programme__report=report).first()
    response = client_of(cast["landlord_admin"]).post(url(action), data(action), follow=True)
    assert "Ce bilan a été transmis : il ne peut plus être modifié" in text(response)
    assert Action.objects.get(pk=action.pk).title.startswith("Animation QN")


@pytest.mark.parametrize(
    ("who", "status"), [("landlord_viewer", 403), ("city_admin", 403), ("landlord2_admin", 404), ("outsider", 404)]
)
def test_others_cannot_edit(client_of, cast, action, who, status):
    assert client_of(cast[who]).post(url(action), data(action)).status_code == status
    assert Action.objects.get(pk=action.pk).title.startswith("Animation QN")
