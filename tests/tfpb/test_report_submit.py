import pytest
from django.urls import reverse

from tests.tfpb import factories
from tests.tfpb.pages import text
from tfpb.models import Report, ReportState


def url(report):
    return reverse("tfpb:report_submit", args=[report.pk])


@pytest.mark.parametrize("who", ["landlord_admin", "landlord_member"])
def test_landlord_editor_submits_and_the_reviewers_are_told(
    client_of, cast, report, who, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(cast[who]).post(url(report), follow=True)
    report = Report.objects.get(pk=report.pk)
    assert (report.state, report.round) == (ReportState.SUBMITTED, 1)
    assert report.submitted_at is not None
    assert "Le bilan a été transmis aux parties qui l'examinent." in text(response)
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted([cast["city_admin"].email, cast["city_member"].email, cast["state_user"].email])
    assert mailoutbox[0].subject == "Bilan TFPB 2025 de Habitat du Clain : à examiner"


def test_an_incomplete_report_says_what_is_missing(client_of, cast, convention):
    report = factories.report(convention, complete=False)
    response = client_of(cast["landlord_admin"]).post(url(report), follow=True)
    page = text(response)
    assert "Le bilan ne peut pas encore être transmis." in page
    assert "QN08604M : saisissez le montant de l'abattement" in page
    assert Report.objects.get(pk=report.pk).state == ReportState.DRAFT


@pytest.mark.parametrize(
    ("who", "status"),
    [("landlord_viewer", 403), ("city_admin", 403), ("state_user", 403), ("landlord2_admin", 404), ("outsider", 404)],
)
def test_others_cannot_submit(client_of, cast, report, who, status):
    assert client_of(cast[who]).post(url(report)).status_code == status
    assert Report.objects.get(pk=report.pk).state == ReportState.DRAFT


@pytest.mark.parametrize("status", [ReportState.SUBMITTED, ReportState.RETURNED, ReportState.VALIDATED])
def test_wrong_state_gets_a_friendly_message(client_of, cast, convention, status):
    report = factories.report(convention, status=status)
    response = client_of(cast["landlord_admin"]).post(url(report), follow=True)
    assert "Action déjà effectuée ou devenue impossible" in text(response)
    assert Report.objects.get(pk=report.pk).state == status


def test_get_is_not_allowed(client_of, cast, report):
    assert client_of(cast["landlord_admin"]).get(url(report)).status_code == 405
