"""The landlord takes, or overrides with a reason, the amount proposed for the connectivity line.

The proposal comes from the subscriptions data (`subscribed` in conftest.py), worked out by hand.
2025 at Les Tilleuls (Trois Cités), collective agreement from 1 January: the contract's price is
7,50 € HT + 20 % = 9,00 € TTC a dwelling a month; the landlord bears 25 %, so a tenant pays
75 % × 9,00 € = 6,75 € a month.
- A, let, active all year (365 days): 11 months × 9,00 € = 99,00 €, plus March at FibreCité's invoice
  of 7,00 € HT + 20 % = 8,40 € (A is the only dwelling active in March): 107,40 €.
  Its tenant pays 11 × 6,75 € = 74,25 €, plus 75 % × 8,40 € = 6,30 €: 80,55 €.
- B, vacant, active from 1 April (275 days): 9 × 9,00 € = 81,00 €, all borne by the landlord.
- C, let, active from 11 June (204 days): June 20/30 × 9,00 € = 6,00 €, plus 6 × 9,00 € = 54,00 €: 60,00 €.
  Its tenant pays 20/30 × 6,75 € = 4,50 €, plus 6 × 6,75 € = 40,50 €: 45,00 €.
Cost 107,40 + 81,00 + 60,00 = 248,40 € over 365 + 275 + 204 = 844 dwelling-days; tenants paid
80,55 + 45,00 = 125,55 €. The landlord bore 248,40 − 125,55 = 122,85 €: 81,00 € for the vacant
dwelling and 41,85 € of its 25 % share (107,40 − 80,55 = 26,85 € on A, 60,00 − 45,00 = 15,00 € on C).
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.tfpb import factories
from tests.tfpb.pages import text
from tfpb.models import Action, ReportState
from tfpb.valuation import connectivity_proposal

LINES = [
    (
        "Coût des abonnements TTC : 3 logements, 844 jours-logement d'abonnement actif (factures de l'opérateur "
        "et, pour les mois non facturés, prix du marché)",
        Decimal("248.40"),
    ),
    ("Refacturé aux locataires (coût réel, part locative)", Decimal("-125.55")),
    ("dont logements vacants : 275 jours-logement, coût entier", Decimal("81.00")),
    ("dont jours sans base juridique ou sans adhésion du locataire : 0 jour-logement", Decimal("0.00")),
    ("dont part du bailleur sur les jours refacturés (paramètre de chaque résidence)", Decimal("41.85")),
]


def url(action):
    return reverse("tfpb:action_accept_proposal", args=[action.pk])


@pytest.fixture
def action(report):
    programme = report.programmes.get(qpv__code="QN08604M")
    return factories.action(programme, line=factories.connectivity_line(), title="Box incluse", realised=None)


def test_the_proposal_is_the_hand_computed_cost_borne_by_the_landlord(landlord, trois_cites, subscribed):
    proposal = connectivity_proposal(landlord=landlord, qpv=trois_cites, year=2025)
    assert proposal.total == Decimal("122.85")
    assert proposal.lines == LINES


def test_the_calculation_is_shown(client_of, cast, action, subscribed):
    page = text(client_of(cast["landlord_member"]).get(reverse("tfpb:action_edit", args=[action.pk])))
    assert "3 logements, 844 jours-logement d'abonnement actif" in page
    assert "dont logements vacants : 275 jours-logement, coût entier" in page
    assert "248,40 €" in page
    assert "-125,55 €" in page
    assert "122,85 €" in page


def test_the_landlord_takes_the_proposed_amount(client_of, cast, action, subscribed):
    response = client_of(cast["landlord_member"]).post(url(action), {"version": action.version}, follow=True)
    assert "Le montant proposé a été repris comme montant réalisé." in text(response)
    action = Action.objects.get(pk=action.pk)
    assert (action.realised_amount, action.proposed_amount) == (Decimal("122.85"), Decimal("122.85"))
    assert action.proposal_lines == [[label, str(amount)] for label, amount in LINES]
    assert not action.needs_override_reason


def test_overriding_it_needs_a_reason(client_of, cast, action, subscribed):
    edit = reverse("tfpb:action_edit", args=[action.pk])
    data = {
        "version": action.version,
        "target": f"line-{action.line_id}",
        "title": "Box incluse",
        "planned_amount": "200",
        "realised_amount": "172,85",
    }
    response = client_of(cast["landlord_member"]).post(edit, data)
    assert "Expliquez pourquoi le montant réalisé diffère du montant proposé." in text(response)
    assert Action.objects.get(pk=action.pk).realised_amount is None
    client_of(cast["landlord_member"]).post(edit, {**data, "override_reason": "50 € de frais de mise en service."})
    action = Action.objects.get(pk=action.pk)
    assert (action.realised_amount, action.proposed_amount) == (Decimal("172.85"), Decimal("122.85"))
    assert action.override_reason == "50 € de frais de mise en service."
    assert "Écart au montant proposé (122,85 €) : 50 € de frais de mise en service." in text(
        client_of(cast["landlord_member"]).get(reverse("tfpb:report_detail", args=[action.programme.report_id]))
    )


def test_taking_it_again_clears_the_override_reason(client_of, cast, action, subscribed):
    Action.objects.filter(pk=action.pk).update(
        realised_amount=Decimal("172.85"), proposed_amount=Decimal("122.85"), override_reason="Frais en plus."
    )
    action.refresh_from_db()
    client_of(cast["landlord_member"]).post(url(action), {"version": action.version})
    action = Action.objects.get(pk=action.pk)
    assert (action.realised_amount, action.override_reason) == (Decimal("122.85"), "")


def test_without_an_active_subscription_nothing_is_proposed(client_of, cast, action):
    response = client_of(cast["landlord_member"]).post(url(action), {"version": action.version}, follow=True)
    assert "Pas de montant proposé pour cette action : aucun abonnement actif dans ce QPV cette année" in text(response)
    assert Action.objects.get(pk=action.pk).realised_amount is None


def test_nothing_is_proposed_in_a_qpv_without_subscriptions(client_of, cast, report, subscribed):
    programme = report.programmes.get(qpv__code="QN08603M")
    action = factories.action(programme, line=factories.connectivity_line(), title="Box Bel Air", realised=None)
    response = client_of(cast["landlord_member"]).post(url(action), {"version": action.version}, follow=True)
    assert "aucun abonnement actif dans ce QPV cette année" in text(response)
    assert Action.objects.get(pk=action.pk).proposed_amount is None


def test_a_stale_version_is_refused(client_of, cast, action, subscribed):
    Action.objects.filter(pk=action.pk).update(version=action.version + 1, realised_amount=Decimal("100"))
    response = client_of(cast["landlord_member"]).post(url(action), {"version": action.version}, follow=True)
    assert "Quelqu'un a enregistré une modification pendant que vous saisissiez la vôtre." in text(response)
    assert Action.objects.get(pk=action.pk).realised_amount == Decimal("100")


def test_only_for_the_connectivity_line(client_of, cast, report, subscribed):
    other = Action.objects.filter(programme__report=report, programme__qpv__code="QN08604M").first()
    response = client_of(cast["landlord_member"]).post(url(other), {"version": other.version}, follow=True)
    assert "seule la ligne « Accès à la connexion internet des locataires » en reçoit un" in text(response)
    assert Action.objects.get(pk=other.pk).realised_amount == Decimal("900")


def test_not_in_a_submitted_report(client_of, cast, convention, subscribed):
    report = factories.report(convention, status=ReportState.SUBMITTED)
    action = Action.objects.filter(programme__report=report).first()
    response = client_of(cast["landlord_admin"]).post(url(action), {"version": action.version}, follow=True)
    assert "Ce bilan a été transmis" in text(response)
    assert Action.objects.get(pk=action.pk).realised_amount == Decimal("900")


@pytest.mark.parametrize(
    ("who", "status"), [("landlord_viewer", 403), ("city_admin", 403), ("landlord2_admin", 404), ("outsider", 404)]
)
def test_others_cannot_take_it(client_of, cast, action, subscribed, who, status):
    assert client_of(cast[who]).post(url(action), {"version": action.version}).status_code == status
    assert Action.objects.get(pk=action.pk).realised_amount is None
