import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django_fsm import ConcurrentTransition

from tests.factories import member
from tests.tfpb import factories
from tfpb.models import (
    ActionLine,
    Axis,
    Convention,
    ConventionParty,
    ConventionState,
    FrozenReport,
    Programme,
    Report,
    ReportState,
    SignatureDeadlineRule,
)

NATIONAL_AXES = [
    "Renforcement de la présence du personnel de proximité",
    "Formation/soutien des personnels de proximité",
    "Sur-entretien",
    "Gestion des déchets et encombrants / épaves",
    "Tranquillité résidentielle",
    "Concertation / sensibilisation des locataires",
    "Animation, lien social, vivre ensemble",
    "Petits travaux d'amélioration de la qualité de service",
]


def test_the_eight_national_axes_are_seeded_with_their_exact_labels(db):
    assert list(Axis.objects.values_list("label", flat=True)) == NATIONAL_AXES
    assert list(Axis.objects.values_list("number", flat=True)) == list(range(1, 9))


def test_the_connectivity_line_is_a_shared_local_line_under_axis_7(db):
    line = ActionLine.objects.get(code=ActionLine.CONNECTIVITY)
    assert line.label == "Accès à la connexion internet des locataires"
    assert line.axis.number == 7
    assert line.convention is None


def test_deadline_rules_are_data_marked_to_check(db):
    rules = list(SignatureDeadlineRule.objects.all())
    assert len(rules) == 2
    assert all(rule.to_check for rule in rules)


@pytest.mark.parametrize(
    ("first_year", "deadline"),
    [
        (2025, datetime.date(2025, 3, 31)),  # the 2025 exception
        (2026, datetime.date(2025, 9, 30)),  # before 1 October of the year before
        (2031, datetime.date(2030, 9, 30)),
    ],
)
def test_signature_deadline_by_first_year(db, first_year, deadline):
    assert Convention(start_year=first_year).signature_deadline() == deadline


def test_a_changed_rule_in_the_database_changes_the_deadline(db):
    SignatureDeadlineRule.objects.filter(first_year=2025).update(last_month=4, last_day=30)
    assert Convention(start_year=2025).signature_deadline() == datetime.date(2025, 4, 30)


@pytest.mark.parametrize(
    ("last_signature", "on_time"),
    [("2025-03-31", True), ("2025-04-01", False), ("2024-12-15", True)],
)
def test_convention_signed_on_time_is_judged_on_its_last_signature(convention, last_signature, on_time):
    party = convention.parties.last()
    ConventionParty.objects.filter(pk=party.pk).update(signed_on=datetime.date.fromisoformat(last_signature))
    convention = Convention.objects.get(pk=convention.pk)
    assert convention.signed_on() == max(datetime.date(2025, 3, 1), datetime.date.fromisoformat(last_signature))
    assert convention.signed_on_time() is on_time


def test_not_yet_signed_by_all_has_no_verdict(draft_convention):
    assert draft_convention.signed_on() is None
    assert draft_convention.signed_on_time() is None


def test_report_due_date_falls_back_on_short_months(convention):
    convention.report_due_month, convention.report_due_day = 2, 29
    assert convention.report_due_date(2025) == datetime.date(2026, 2, 28)
    assert convention.report_due_date(2027) == datetime.date(2028, 2, 29)


def test_each_party_signs_for_itself_and_the_last_signature_signs_the_convention(
    draft_convention, landlord_admin, city_admin, state_user
):
    signers = [landlord_admin, city_admin, state_user]
    for index, user in enumerate(signers):
        convention = Convention.objects.get(pk=draft_convention.pk)
        convention.sign(by=user, signed_on=datetime.date(2025, 3, 10 + index))
        convention.save()
        expected = ConventionState.SIGNED if user is signers[-1] else ConventionState.DRAFT
        assert Convention.objects.get(pk=draft_convention.pk).state == expected
    dates = list(draft_convention.parties.values_list("signed_on", flat=True))
    assert dates == [datetime.date(2025, 3, 10), datetime.date(2025, 3, 11), datetime.date(2025, 3, 12)]


def test_a_member_who_is_not_admin_cannot_sign(draft_convention, landlord_member, city_member):
    assert draft_convention.parties_to_sign_by(landlord_member) == []
    assert draft_convention.parties_to_sign_by(city_member) == []


def test_a_future_signature_date_is_refused(draft_convention, landlord_admin):
    with pytest.raises(ValidationError):
        draft_convention.sign(by=landlord_admin, signed_on=datetime.date.today() + datetime.timedelta(days=1))
    assert not draft_convention.parties.filter(signed_on__isnull=False).exists()


def test_two_parties_signing_at_once_the_second_is_told_to_retry(draft_convention, landlord_admin, city_admin):
    first = Convention.objects.get(pk=draft_convention.pk)
    second = Convention.objects.get(pk=draft_convention.pk)
    first.sign(by=landlord_admin, signed_on=datetime.date(2025, 3, 1))
    first.save()
    with pytest.raises(ConcurrentTransition):
        second.sign(by=city_admin, signed_on=datetime.date(2025, 3, 1))


def test_opening_a_report_counts_the_dwellings_in_stock_per_qpv(convention):
    report = Report.open(convention=convention, year=2025)
    counts = {p.qpv.code: p.dwellings_count for p in report.programmes.select_related("qpv")}
    assert counts == {"QN08604M": 12, "QN08603M": 5}  # 14 in Trois Cités, 2 of them sold


def test_a_report_cannot_be_opened_outside_the_period_or_for_a_draft_convention(convention, draft_convention):
    with pytest.raises(ValidationError):
        Report.open(convention=convention, year=2031)
    with pytest.raises(ValidationError):
        Report.open(convention=draft_convention, year=2025)


def test_problems_name_what_is_missing_before_submission(convention):
    report = factories.report(convention, complete=False)
    programme = report.programmes.get(qpv__code="QN08603M")
    factories.action(programme, title="Fête des voisins", realised=None)
    problems = report.problems()
    assert "QN08604M : saisissez le montant de l'abattement (avis de taxe foncière)." in problems
    assert "QN08603M : indiquez le montant réalisé de l'action « Fête des voisins »." in problems


def test_an_incomplete_report_cannot_be_submitted(convention, landlord_admin):
    report = factories.report(convention, complete=False)
    with pytest.raises(ValidationError):
        report.submit(by=landlord_admin)
    assert Report.objects.get(pk=report.pk).state == ReportState.DRAFT


def test_a_submitted_report_is_frozen_in_the_model(report, landlord_admin):
    programme = report.programmes.first()
    action = programme.actions.first()
    report.submit(by=landlord_admin)
    report.save()
    action.realised_amount = Decimal("1")
    with pytest.raises(FrozenReport):
        action.save()
    with pytest.raises(FrozenReport):
        action.save_if_current(action.version, ["realised_amount"])
    with pytest.raises(FrozenReport):
        action.delete()
    with pytest.raises(FrozenReport):
        factories.action(programme, title="Ajout tardif")
    programme.abatement_amount = Decimal("1")
    with pytest.raises(FrozenReport):
        programme.save_if_current(programme.version, ["abatement_amount"])
    assert Programme.objects.get(pk=programme.pk).abatement_amount == Decimal("20000")
    assert programme.actions.get().realised_amount == Decimal("900")


def test_a_returned_report_can_be_corrected_again(report, landlord_admin, city_admin):
    report.submit(by=landlord_admin)
    report.save()
    report.send_back(by=city_admin, comment="Précisez les indicateurs.")
    report.save()
    action = report.programmes.first().actions.first()
    action.indicators = "12 ateliers"
    action.save()
    assert action.__class__.objects.get(pk=action.pk).indicators == "12 ateliers"


def test_validated_only_when_every_reviewing_party_validated(report, landlord_admin, city_admin, state_user):
    report.submit(by=landlord_admin)
    report.save()
    report.validate(by=city_admin)
    report.save()
    assert Report.objects.get(pk=report.pk).state == ReportState.SUBMITTED
    report.validate(by=state_user)
    report.save()
    report = Report.objects.get(pk=report.pk)
    assert report.state == ReportState.VALIDATED
    assert report.validated_at is not None


def test_one_return_returns_it_and_every_party_reviews_the_resubmission(
    report, landlord_admin, city_admin, state_user, city, state
):
    report.submit(by=landlord_admin)
    report.save()
    report.validate(by=state_user)
    report.save()
    report.send_back(by=city_admin, comment="Il manque les indicateurs.")
    report.save()
    assert Report.objects.get(pk=report.pk).state == ReportState.RETURNED
    report.resubmit(by=landlord_admin)
    report.save()
    assert report.round == 2
    assert {p.organization for p in report.pending_parties()} == {city, state}
    report.validate(by=city_admin)
    report.save()
    assert Report.objects.get(pk=report.pk).state == ReportState.RESUBMITTED  # the State's first opinion is stale
    report.validate(by=state_user)
    report.save()
    assert Report.objects.get(pk=report.pk).state == ReportState.VALIDATED


def test_a_state_that_does_not_review_is_not_waited_for(landlord, city, state, trois_cites, landlord_admin, city_admin):
    convention = factories.convention(landlord, cities=[city], state=state, qpvs=[trois_cites], state_reviews=False)
    report = factories.report(convention)
    report.submit(by=landlord_admin)
    report.save()
    report.validate(by=city_admin)
    report.save()
    assert Report.objects.get(pk=report.pk).state == ReportState.VALIDATED


def test_a_party_gives_one_opinion_per_submission(report, landlord_admin, city_admin):
    report.submit(by=landlord_admin)
    report.save()
    report.validate(by=city_admin)
    report.save()
    assert report.pending_party_for(city_admin) is None
    with pytest.raises(ValidationError):
        report.send_back(by=city_admin, comment="Finalement non.")


def test_two_reviewers_at_once_the_second_is_told_to_retry(report, landlord_admin, city_admin, state_user):
    report.submit(by=landlord_admin)
    report.save()
    first = Report.objects.get(pk=report.pk)
    second = Report.objects.get(pk=report.pk)
    first.validate(by=city_admin)
    first.save()
    with pytest.raises(ConcurrentTransition):
        second.validate(by=state_user)


def test_a_stale_instance_cannot_be_saved_over_a_state_changed_meanwhile(report, landlord_admin, city_admin):
    report.submit(by=landlord_admin)
    report.save()
    stale = Report.objects.get(pk=report.pk)
    report.send_back(by=city_admin, comment="À reprendre.")
    report.save()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save()  # ConcurrentTransitionMixin: the state column moved on
    assert Report.objects.get(pk=report.pk).state == ReportState.RETURNED


def test_a_reviewer_who_belongs_to_two_parties_answers_for_each_in_turn(report, landlord_admin, city, state):
    from accounts.models import Membership, Role

    both = member(city, Role.ADMIN, email="double@exemple.fr")
    Membership.objects.create(user=both, organization=state, role=Role.MEMBER)
    report.submit(by=landlord_admin)
    report.save()
    report.validate(by=both)
    report.save()
    report.validate(by=both)
    report.save()
    assert Report.objects.get(pk=report.pk).state == ReportState.VALIDATED


def test_totals_and_connectivity(convention):
    report = factories.report(convention, complete=False)
    programme = report.programmes.get(qpv__code="QN08604M")
    programme.abatement_amount = Decimal("10000")
    programme.save()
    factories.action(programme, planned="3000", realised="2500", line=factories.connectivity_line())
    factories.action(programme, axis=3, planned="6000", realised="5500")
    totals = report.totals()
    assert totals["abatement"] == Decimal("10000")
    assert totals["realised"] == Decimal("8000")
    assert totals["connectivity"] == Decimal("2500")
    assert totals["ratio"] == Decimal("80")


def test_a_connectivity_amount_apart_from_the_proposal_needs_a_reason_before_submission(report):
    programme = report.programmes.get(qpv__code="QN08604M")
    action = factories.action(
        programme,
        line=factories.connectivity_line(),
        title="Box incluse",
        realised="1300",
        proposed_amount=Decimal("1116"),
    )
    assert "QN08604M : expliquez pourquoi le montant réalisé de « Box incluse » diffère du montant proposé." in (
        report.problems()
    )
    action.override_reason = "Frais de mise en service."
    action.save()
    assert report.problems() == []
