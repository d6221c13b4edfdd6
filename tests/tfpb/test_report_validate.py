import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import member
from tests.tfpb import factories
from tests.tfpb.pages import text
from tfpb.models import Decision, Report, ReportReview, ReportState


def url(report):
    return reverse("tfpb:report_validate", args=[report.pk])


@pytest.fixture
def submitted(convention):
    return factories.report(convention, status=ReportState.SUBMITTED)


def test_city_validates_and_the_report_waits_for_the_state(client_of, cast, submitted, city):
    response = client_of(cast["city_member"]).post(url(submitted), follow=True)
    assert "Avis de Grand Poitiers enregistré : validé." in text(response)
    report = Report.objects.get(pk=submitted.pk)
    assert report.state == ReportState.SUBMITTED
    review = ReportReview.objects.get()
    assert (review.party.organization, review.decision, review.round, review.by) == (
        city,
        Decision.VALIDATED,
        1,
        cast["city_member"],
    )


def test_the_last_validation_validates_and_the_landlord_is_told(
    client_of, cast, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    client_of(cast["city_admin"]).post(url(submitted))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(cast["state_user"]).post(url(submitted), follow=True)
    assert "Toutes les parties ont validé : le bilan est validé." in text(response)
    assert Report.objects.get(pk=submitted.pk).state == ReportState.VALIDATED
    assert {m.to[0] for m in mailoutbox} == {cast["landlord_admin"].email, cast["landlord_member"].email}
    assert mailoutbox[0].subject == "Bilan TFPB 2025 : validé par toutes les parties"


def test_a_party_that_already_validated_is_told_so(client_of, cast, submitted):
    client = client_of(cast["city_admin"])
    client.post(url(submitted))
    response = client.post(url(submitted), follow=True)
    assert "Votre organisation a déjà donné son avis" in text(response)
    assert ReportReview.objects.count() == 1


def test_a_resubmitted_report_is_validated_the_same_way(client_of, cast, convention):
    report = factories.report(convention, status=ReportState.RESUBMITTED)
    client_of(cast["city_admin"]).post(url(report))
    client_of(cast["state_user"]).post(url(report))
    assert Report.objects.get(pk=report.pk).state == ReportState.VALIDATED


def test_a_city_viewer_cannot_validate(client_of, submitted, city):
    viewer = member(city, Role.VIEWER, email="lecteur@grandpoitiers.fr")
    assert client_of(viewer).post(url(submitted)).status_code == 403


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("landlord_admin", 403),
        ("landlord_viewer", 403),
        ("landlord2_admin", 404),
        ("operator_admin", 404),
        ("outsider", 404),
    ],
)
def test_others_cannot_validate(client_of, cast, submitted, who, status):
    assert client_of(cast[who]).post(url(submitted)).status_code == status
    assert not ReportReview.objects.exists()


@pytest.mark.parametrize("status", [ReportState.DRAFT, ReportState.RETURNED, ReportState.VALIDATED])
def test_wrong_state_gets_a_friendly_message(client_of, cast, convention, status):
    report = factories.report(convention, status=status)
    response = client_of(cast["city_admin"]).post(url(report), follow=True)
    assert "Action déjà effectuée ou devenue impossible" in text(response)
    assert Report.objects.get(pk=report.pk).state == status
    assert not ReportReview.objects.exists()
