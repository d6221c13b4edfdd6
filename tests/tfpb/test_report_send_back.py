import pytest
from django.urls import reverse

from tests.tfpb import factories
from tests.tfpb.pages import text
from tfpb.models import ActionComment, Decision, Report, ReportReview, ReportState


def url(report):
    return reverse("tfpb:report_send_back", args=[report.pk])


@pytest.fixture
def submitted(convention):
    return factories.report(convention, status=ReportState.SUBMITTED)


def test_the_form_offers_a_comment_per_action_line(client_of, cast, submitted):
    page = text(client_of(cast["city_admin"]).get(url(submitted)))
    assert "Observation sur « Animation QN08603M » (QN08603M)" in page
    assert "Vous donnez l'avis de <strong>Grand Poitiers</strong>" in page


def test_city_returns_it_with_comments_and_the_landlord_is_told(
    client_of, cast, submitted, city, mailoutbox, django_capture_on_commit_callbacks
):
    action = submitted.programmes.get(qpv__code="QN08604M").actions.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(cast["city_member"]).post(
            url(submitted),
            {"comment": "Précisez les indicateurs.", f"line_{action.pk}": "Combien de participants ?"},
            follow=True,
        )
    assert "Le bilan a été renvoyé au bailleur avec vos observations." in text(response)
    assert Report.objects.get(pk=submitted.pk).state == ReportState.RETURNED
    review = ReportReview.objects.get()
    assert (review.party.organization, review.decision, review.comment) == (
        city,
        Decision.RETURNED,
        "Précisez les indicateurs.",
    )
    assert list(ActionComment.objects.values_list("action", "text")) == [(action.pk, "Combien de participants ?")]
    assert {m.to[0] for m in mailoutbox} == {cast["landlord_admin"].email, cast["landlord_member"].email}


def test_one_party_returns_it_even_after_another_validated(client_of, cast, submitted):
    client_of(cast["state_user"]).post(reverse("tfpb:report_validate", args=[submitted.pk]))
    client_of(cast["city_admin"]).post(url(submitted), {"comment": "Non."})
    assert Report.objects.get(pk=submitted.pk).state == ReportState.RETURNED


def test_a_general_comment_is_required(client_of, cast, submitted):
    response = client_of(cast["city_admin"]).post(url(submitted), {"comment": "  "})
    assert response.status_code == 200
    assert Report.objects.get(pk=submitted.pk).state == ReportState.SUBMITTED
    assert not ReportReview.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"), [("landlord_admin", 403), ("landlord_viewer", 403), ("landlord2_admin", 404), ("outsider", 404)]
)
def test_others_cannot_return_it(client_of, cast, submitted, who, status):
    assert client_of(cast[who]).post(url(submitted), {"comment": "Non."}).status_code == status
    assert Report.objects.get(pk=submitted.pk).state == ReportState.SUBMITTED


@pytest.mark.parametrize("status", [ReportState.DRAFT, ReportState.RETURNED, ReportState.VALIDATED])
def test_wrong_state_gets_a_friendly_message(client_of, cast, convention, status):
    report = factories.report(convention, status=status)
    response = client_of(cast["state_user"]).post(url(report), {"comment": "Non."}, follow=True)
    assert "Action déjà effectuée ou devenue impossible" in text(response)
    assert Report.objects.get(pk=report.pk).state == status
