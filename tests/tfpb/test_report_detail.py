import pytest
from django.urls import reverse

from tests.tfpb import factories
from tests.tfpb.pages import text
from tfpb.models import ReportState


def url(report):
    return reverse("tfpb:report_detail", args=[report.pk])


@pytest.mark.parametrize("who", ["landlord_admin", "landlord_viewer", "city_member", "state_user"])
def test_the_parties_see_the_report(client_of, cast, report, who):
    response = client_of(cast[who]).get(url(report))
    assert response.status_code == 200
    assert "Animation QN08604M" in text(response)


@pytest.mark.parametrize("who", ["landlord2_admin", "operator_admin", "outsider"])
def test_strangers_get_404(client_of, cast, report, who):
    assert client_of(cast[who]).get(url(report)).status_code == 404


def test_without_an_active_subscription_no_connectivity_amount_is_proposed(client_of, cast, report):
    page = text(client_of(cast["landlord_admin"]).get(url(report)))
    assert "Montant proposé pour la connexion internet" in page
    assert page.count("aucun abonnement actif dans ce QPV cette année") == 2


def test_the_connectivity_amount_proposed_in_the_qpv_with_subscriptions(client_of, cast, report, subscribed):
    page = text(client_of(cast["city_admin"]).get(url(report)))
    # The hand-computed example of test_action_accept_proposal.
    assert "<dt>Montant proposé pour la connexion internet</dt><dd>122,85 €</dd>" in page
    assert page.count("aucun abonnement actif dans ce QPV cette année") == 1  # Bel Air


def test_totals_and_ratio(client_of, cast, report):
    page = text(client_of(cast["city_admin"]).get(url(report)))
    assert "40 000,00 €" in page  # the abatement: two programmes of 20 000 €
    assert "1 800,00 € (4 % de l'abattement)" in page  # two actions of 900 € realised


def test_only_landlord_editors_get_the_editing_links(client_of, cast, report):
    assert "Ajouter une action" in text(client_of(cast["landlord_member"]).get(url(report)))
    assert "Ajouter une action" not in text(client_of(cast["landlord_viewer"]).get(url(report)))
    assert "Ajouter une action" not in text(client_of(cast["city_admin"]).get(url(report)))


def test_a_submitted_report_offers_no_editing_link(client_of, cast, convention):
    report = factories.report(convention, status=ReportState.SUBMITTED)
    page = text(client_of(cast["landlord_admin"]).get(url(report)))
    assert "Ajouter une action" not in page
    assert "il ne peut plus être modifié" in page


def test_the_returned_report_shows_the_comments_per_line(client_of, cast, report, landlord_admin, city_admin):
    report.submit(by=landlord_admin)
    report.save()
    action = report.programmes.first().actions.first()
    report.send_back(by=city_admin, comment="Complétez les indicateurs.", line_comments={action.pk: "Combien ?"})
    report.save()
    page = text(client_of(cast["landlord_admin"]).get(url(report)))
    assert "Complétez les indicateurs." in page
    assert "Combien ?" in page
    assert "Transmettre à nouveau" in page


def test_reviewers_see_their_buttons_only_when_their_opinion_is_due(client_of, cast, convention):
    report = factories.report(convention, status=ReportState.SUBMITTED)
    page = text(client_of(cast["city_admin"]).get(url(report)))
    assert "Valider le bilan" in page
    assert "Renvoyer au bailleur" in page
    assert "Valider le bilan" not in text(client_of(cast["landlord_admin"]).get(url(report)))
