"""The landlord takes, or overrides with a reason, the amount proposed for the connectivity line.

The subscriptions app that computes the proposal is not there yet: without it nothing is proposed.
The tests with a proposal use a stand-in for its agreed interface (CostBreakdown: total, lines);
the real valuation is tested against a hand-computed example once subscriptions lands.
"""

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.tfpb import factories
from tests.tfpb.pages import text
from tfpb import views
from tfpb.models import Action, ReportState


@dataclass
class CostBreakdown:
    total: Decimal
    lines: list = field(default_factory=list)


PROPOSAL = CostBreakdown(
    Decimal("1116.00"),
    [("10 logements × 12 mois × 9,30 € TTC", Decimal("1116.00")), ("Refacturé aux locataires", Decimal("0.00"))],
)


def url(action):
    return reverse("tfpb:action_accept_proposal", args=[action.pk])


@pytest.fixture
def action(report):
    programme = report.programmes.get(qpv__code="QN08604M")
    return factories.action(programme, line=factories.connectivity_line(), title="Box incluse", realised=None)


@pytest.fixture
def proposal(monkeypatch):
    monkeypatch.setattr(views, "connectivity_proposal", lambda **kwargs: PROPOSAL)


def test_without_subscriptions_nothing_is_proposed(client_of, cast, action):
    response = client_of(cast["landlord_member"]).post(url(action), {"version": action.version}, follow=True)
    assert "disponible quand les abonnements seront suivis dans l'application" in text(response)
    assert Action.objects.get(pk=action.pk).realised_amount is None


def test_the_calculation_is_shown(client_of, cast, action, proposal):
    page = text(client_of(cast["landlord_member"]).get(reverse("tfpb:action_edit", args=[action.pk])))
    assert "10 logements × 12 mois × 9,30 € TTC" in page
    assert "1 116,00 €" in page


def test_the_landlord_takes_the_proposed_amount(client_of, cast, action, proposal):
    client_of(cast["landlord_member"]).post(url(action), {"version": action.version})
    action = Action.objects.get(pk=action.pk)
    assert (action.realised_amount, action.proposed_amount) == (Decimal("1116.00"), Decimal("1116.00"))
    assert action.proposal_lines[0] == ["10 logements × 12 mois × 9,30 € TTC", "1116.00"]


def test_overriding_it_needs_a_reason(client_of, cast, action, proposal):
    edit = reverse("tfpb:action_edit", args=[action.pk])
    data = {
        "version": action.version,
        "target": f"line-{action.line_id}",
        "title": "Box incluse",
        "planned_amount": "1200",
        "realised_amount": "1300",
    }
    response = client_of(cast["landlord_member"]).post(edit, data)
    assert "Expliquez pourquoi le montant réalisé diffère du montant proposé." in text(response)
    client_of(cast["landlord_member"]).post(edit, {**data, "override_reason": "Frais de mise en service en plus."})
    action = Action.objects.get(pk=action.pk)
    assert (action.realised_amount, action.proposed_amount) == (Decimal("1300"), Decimal("1116.00"))
    assert action.override_reason == "Frais de mise en service en plus."


def test_only_for_the_connectivity_line(client_of, cast, report, proposal):
    other = Action.objects.filter(programme__report=report).first()
    response = client_of(cast["landlord_member"]).post(url(other), {"version": other.version}, follow=True)
    assert "Pas de montant proposé pour cette action" in text(response)
    assert Action.objects.get(pk=other.pk).realised_amount == Decimal("900")


def test_not_in_a_submitted_report(client_of, cast, convention, proposal):
    report = factories.report(convention, status=ReportState.SUBMITTED)
    action = Action.objects.filter(programme__report=report).first()
    response = client_of(cast["landlord_admin"]).post(url(action), {"version": action.version}, follow=True)
    assert "Ce bilan a été transmis" in text(response)


@pytest.mark.parametrize(
    ("who", "status"), [("landlord_viewer", 403), ("city_admin", 403), ("landlord2_admin", 404), ("outsider", 404)]
)
def test_others_cannot_take_it(client_of, cast, action, proposal, who, status):
    assert client_of(cast[who]).post(url(action), {"version": action.version}).status_code == status
    assert Action.objects.get(pk=action.pk).realised_amount is None
