import pytest
from django.urls import reverse

from tests.tfpb import factories
from tests.tfpb.pages import text
from tfpb.models import Programme, Report, ReportState


def url(report):
    return reverse("tfpb:report_resubmit", args=[report.pk])


@pytest.fixture
def returned(convention):
    return factories.report(convention, status=ReportState.RETURNED)


def test_landlord_member_resubmits_a_new_round(
    client_of, cast, returned, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(cast["landlord_member"]).post(url(returned), follow=True)
    report = Report.objects.get(pk=returned.pk)
    assert (report.state, report.round) == (ReportState.RESUBMITTED, 2)
    assert "Le bilan corrigé a été transmis à nouveau." in text(response)
    assert {m.to[0] for m in mailoutbox} == {
        cast["city_admin"].email,
        cast["city_member"].email,
        cast["state_user"].email,
    }
    assert "corrigé, à examiner de nouveau" in mailoutbox[0].subject


def test_not_while_something_is_missing(client_of, cast, returned):
    Programme.objects.filter(report=returned).update(abatement_amount=None)
    response = client_of(cast["landlord_member"]).post(url(returned), follow=True)
    assert "Le bilan ne peut pas encore être transmis." in text(response)
    assert Report.objects.get(pk=returned.pk).state == ReportState.RETURNED


@pytest.mark.parametrize(
    ("who", "status"), [("landlord_viewer", 403), ("city_admin", 403), ("landlord2_admin", 404), ("outsider", 404)]
)
def test_others_cannot_resubmit(client_of, cast, returned, who, status):
    assert client_of(cast[who]).post(url(returned)).status_code == status
    assert Report.objects.get(pk=returned.pk).state == ReportState.RETURNED


@pytest.mark.parametrize("status", [ReportState.DRAFT, ReportState.SUBMITTED, ReportState.VALIDATED])
def test_wrong_state_gets_a_friendly_message(client_of, cast, convention, status):
    report = factories.report(convention, status=status)
    response = client_of(cast["landlord_admin"]).post(url(report), follow=True)
    assert "Action déjà effectuée ou devenue impossible" in text(response)
    assert Report.objects.get(pk=report.pk).state == status
