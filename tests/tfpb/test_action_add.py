from decimal import Decimal

import pytest
from django.urls import reverse

from tests.tfpb import factories
from tests.tfpb.pages import text
from tfpb.models import Action, ActionLine, Axis, ReportState


def url(programme):
    return reverse("tfpb:action_add", args=[programme.pk])


@pytest.fixture
def programme(report):
    return report.programmes.get(qpv__code="QN08604M")


def data(target, **extra):
    return {
        "target": target,
        "title": "Box incluse dans le loyer",
        "description": "Part de l'abonnement non refacturée.",
        "planned_amount": "4 800",
        "realised_amount": "4410,50",
        "dwellings_concerned": "10",
        "indicators": "10 logements raccordés",
        **extra,
    }


def test_landlord_member_adds_an_action_on_the_connectivity_line(client_of, cast, programme):
    line = factories.connectivity_line()
    response = client_of(cast["landlord_member"]).post(url(programme), data(f"line-{line.pk}"))
    assert response.status_code == 302
    action = Action.objects.get(title="Box incluse dans le loyer")
    assert (action.axis.number, action.line, action.is_connectivity) == (7, line, True)
    assert (action.planned_amount, action.realised_amount) == (Decimal("4800"), Decimal("4410.50"))
    assert action.proposed_amount is None  # no active subscription in the QPV: nothing proposed


def test_the_proposal_is_recorded_with_a_connectivity_action(client_of, cast, programme, subscribed):
    line = factories.connectivity_line()
    page = text(client_of(cast["landlord_member"]).get(url(programme)))
    assert "122,85 €" in page  # the hand-computed example of test_action_accept_proposal
    response = client_of(cast["landlord_member"]).post(url(programme), data(f"line-{line.pk}"))
    assert "Expliquez pourquoi le montant réalisé diffère du montant proposé." in text(response)
    client_of(cast["landlord_member"]).post(url(programme), data(f"line-{line.pk}", realised_amount="122,85"))
    action = Action.objects.get(title="Box incluse dans le loyer")
    assert (action.realised_amount, action.proposed_amount) == (Decimal("122.85"), Decimal("122.85"))
    assert action.proposal_lines[-1] == [
        "dont part du bailleur sur les jours refacturés (paramètre de chaque résidence)",
        "41.85",
    ]


def test_an_action_on_a_national_axis_only(client_of, cast, programme):
    axis = Axis.objects.get(number=3)
    client_of(cast["landlord_member"]).post(url(programme), data(f"axis-{axis.pk}", title="Sur-entretien des halls"))
    action = Action.objects.get(title="Sur-entretien des halls")
    assert (action.axis, action.line) == (axis, None)


def test_the_form_offers_the_convention_lines_not_another_conventions(
    client_of, cast, programme, landlord2, city, state
):
    other = factories.convention(landlord2, cities=[city], state=state, qpvs=[programme.qpv])
    foreign = ActionLine.objects.create(convention=other, axis=Axis.objects.get(number=6), label="Ligne d'un autre")
    own = ActionLine.objects.create(
        convention=programme.report.convention, axis=Axis.objects.get(number=6), label="Ligne à nous"
    )
    page = text(client_of(cast["landlord_member"]).get(url(programme)))
    assert "Ligne à nous" in page
    assert "Ligne d'un autre" not in page
    assert "aucun abonnement actif dans ce QPV cette année" in page
    response = client_of(cast["landlord_member"]).post(url(programme), data(f"line-{foreign.pk}"))
    assert "Sélectionnez un choix valide" in text(response)
    assert not foreign.actions.exists()
    assert not own.actions.exists()


def test_more_dwellings_than_the_stock_is_refused(client_of, cast, programme):
    axis = Axis.objects.get(number=1)
    response = client_of(cast["landlord_member"]).post(
        url(programme), data(f"axis-{axis.pk}", dwellings_concerned="13")
    )
    assert "Le bailleur compte 12 logements dans ce quartier d'après son parc." in text(response)
    assert not Action.objects.filter(title="Box incluse dans le loyer").exists()


def test_a_submitted_report_takes_no_new_action(client_of, cast, convention):
    report = factories.report(convention, status=ReportState.SUBMITTED)
    programme = report.programmes.first()
    axis = Axis.objects.get(number=1)
    response = client_of(cast["landlord_admin"]).post(url(programme), data(f"axis-{axis.pk}"), follow=True)
    assert "Ce bilan a été transmis" in text(response)
    assert not Action.objects.filter(title="Box incluse dans le loyer").exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("landlord_viewer", 403), ("city_admin", 403), ("state_user", 403), ("landlord2_admin", 404), ("outsider", 404)],
)
def test_others_cannot_add(client_of, cast, programme, who, status):
    axis = Axis.objects.get(number=1)
    assert client_of(cast[who]).post(url(programme), data(f"axis-{axis.pk}")).status_code == status
    assert not Action.objects.filter(title="Box incluse dans le loyer").exists()
