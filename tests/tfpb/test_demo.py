import io

from django.core.management import call_command

from tfpb.models import ActionComment, Convention, ConventionState, Programme, Report, ReportState


def seed(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def test_two_conventions_with_a_validated_and_a_returned_2025_report(db, settings):
    seed(settings)
    seed(settings)  # idempotent
    conventions = Convention.objects.all()
    assert [c.state for c in conventions] == [ConventionState.IN_FORCE] * 2
    assert all((c.start_year, c.end_year, c.signed_on_time()) == (2025, 2030, True) for c in conventions)
    states = sorted(Report.objects.values_list("state", flat=True))
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
