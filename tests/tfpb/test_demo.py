import io

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from tfpb.models import Action, ActionComment, Convention, ConventionState, Programme, Report, ReportState
from tfpb.valuation import connectivity_proposal


def seed(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def test_two_conventions_with_a_validated_and_a_returned_2025_report(db, settings):
    seed(settings)
    seed(settings)  # idempotent
    conventions = Convention.objects.all()
    assert [c.state for c in conventions] == [ConventionState.IN_FORCE] * 2
    assert all((c.start_year, c.end_year, c.signed_on_time()) == (2025, 2030, True) for c in conventions)
    states = sorted(Report.objects.filter(year=2025).values_list("state", flat=True))
    assert states == [ReportState.RETURNED, ReportState.VALIDATED]
    assert ActionComment.objects.count() == 2
    returned = Report.objects.get(state=ReportState.RETURNED)
    assert returned.reviews.filter(decision="validated").count() == 1  # the Préfecture, before the return


def test_abatements_are_a_few_hundred_euros_per_dwelling(db, settings):
    seed(settings)
    for programme in Programme.objects.all():
        per_dwelling = programme.abatement_amount / programme.dwellings_count
        assert 150 < per_dwelling < 300
    validated = Report.objects.get(state=ReportState.VALIDATED)
    assert 90 < validated.totals()["ratio"] < 100  # valued actions close to the abatement


def test_this_years_programme_proposes_the_connectivity_amount_of_the_rolled_out_contract(db, settings, client):
    """The subscriptions demo rolls out Habitat du Clain's Trois Cités contract weeks before today."""
    seed(settings)
    year = timezone.localdate().year
    report = Report.objects.get(convention__landlord__siren="501234561", year=year)
    assert report.state == ReportState.DRAFT
    trois_cites = report.programmes.get(qpv__code="QN08604M")
    proposal = connectivity_proposal(landlord=report.convention.landlord, qpv=trois_cites.qpv, year=year)
    assert proposal.total > 0
    action = Action.objects.get(programme=trois_cites, line__code="connectivity")
    assert action.realised_amount is None  # left for the landlord to take
    client.force_login(User.objects.get(email="bailleur@demo.quartiers-connectes.fr"))
    page = client.get(reverse("tfpb:action_edit", args=[action.pk])).content.decode()
    assert "Reprendre ce montant comme montant réalisé" in page
    assert "Coût des abonnements TTC" in page
    bel_air = report.programmes.get(qpv__code="QN08603M")
    assert connectivity_proposal(landlord=report.convention.landlord, qpv=bel_air.qpv, year=year) is None
    assert Action.objects.get(programme=bel_air, line__code="connectivity").realised_amount > 0  # typed, to date
