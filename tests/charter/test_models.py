import datetime
import unicodedata
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django_fsm import ConcurrentTransition

from accounts.models import Organization
from charter import measures
from charter.measures import Measure, measure_of, measures_of, register_measure
from charter.models import (
    Charter,
    Commitment,
    CommitmentKind,
    Direction,
    ProgressStatus,
    PublishedText,
    Signature,
    ValueType,
    straight_line,
)
from leases.models import EquipmentStatus

from .factories import commit, invite, make_charter, make_dwellings, sign

# The fingerprint: SHA-256 of the NFC plain text of title, version, preamble and articles.


def unsaved_charter(**fields):
    defaults = {
        "title": "La connexion internet, un droit pour tous",
        "number": 1,
        "preamble": "Préambule.",
        "articles": [{"heading": "Objet", "body": "Une box dans chaque logement."}],
    }
    return Charter(**{**defaults, **fields})


def test_fingerprint_is_stable():
    assert unsaved_charter().compute_fingerprint() == unsaved_charter().compute_fingerprint()
    assert len(unsaved_charter().compute_fingerprint()) == 64


@pytest.mark.parametrize(
    "change",
    [
        {"title": "La connexion internet, un droit pour tout"},
        {"number": 2},
        {"preamble": "Préambule!"},
        {"articles": [{"heading": "Objet", "body": "Une box dans chaque logement!"}]},
        {"articles": [{"heading": "Objets", "body": "Une box dans chaque logement."}]},
    ],
)
def test_fingerprint_changes_with_one_character(change):
    assert unsaved_charter(**change).compute_fingerprint() != unsaved_charter().compute_fingerprint()


def test_fingerprint_ignores_unicode_composition_and_line_endings():
    composed = unsaved_charter(preamble="Préambule.\nSuite.")
    decomposed = unsaved_charter(preamble=unicodedata.normalize("NFD", "Préambule.") + "\r\nSuite.")
    assert composed.preamble != decomposed.preamble
    assert composed.compute_fingerprint() == decomposed.compute_fingerprint()


def test_canonical_text_numbers_the_articles():
    charter = unsaved_charter(articles=[{"heading": "Objet", "body": "A"}, {"heading": "", "body": "B"}])
    assert charter.canonical_text() == (
        "La connexion internet, un droit pour tous\nVersion 1\n\nPréambule.\n\nArticle 1 — Objet\nA\n\nArticle 2\nB"
    )


# A published text never changes.


def test_draft_text_can_change(draft):
    draft.title = "Nouveau titre"
    draft.save()
    Charter.objects.filter(pk=draft.pk).update(preamble="Autre préambule")
    draft.qpvs.clear()
    draft.refresh_from_db()
    assert (draft.title, draft.preamble) == ("Nouveau titre", "Autre préambule")


@pytest.mark.parametrize(
    "field, value",
    [("title", "Autre"), ("preamble", "Autre"), ("articles", []), ("effective_date", datetime.date(2030, 1, 1))],
)
def test_published_text_cannot_change_through_save(charter, field, value):
    fingerprint = charter.fingerprint
    setattr(charter, field, value)
    with pytest.raises(PublishedText, match="ne change plus"):
        charter.save()
    charter.refresh_from_db()
    assert charter.compute_fingerprint() == fingerprint


def test_published_text_cannot_change_from_a_stale_draft_instance(draft, city_admin):
    stale = Charter.objects.get(pk=draft.pk)
    draft.publish(by=city_admin)
    draft.save()
    stale.title = "Changé en douce"
    with pytest.raises((PublishedText, ConcurrentTransition)):
        stale.save()
    assert Charter.objects.get(pk=draft.pk).title == draft.title


def test_published_text_cannot_change_through_update(charter):
    with pytest.raises(PublishedText):
        Charter.objects.filter(pk=charter.pk).update(articles=[])
    with pytest.raises(PublishedText):
        charter.save_if_current(charter.version, ["title"])


def test_published_charter_keeps_its_qpv(charter, trois_cites, brest_qpv):
    with pytest.raises(PublishedText), transaction.atomic():
        charter.qpvs.add(brest_qpv)
    with pytest.raises(PublishedText), transaction.atomic():
        charter.qpvs.remove(trois_cites)
    with pytest.raises(PublishedText), transaction.atomic():
        charter.qpvs.clear()
    with pytest.raises(PublishedText), transaction.atomic():
        brest_qpv.charters.add(charter)
    with pytest.raises(PublishedText), transaction.atomic():
        trois_cites.charters.clear()
    assert set(charter.qpvs.values_list("code", flat=True)) == {"QN08603M", "QN08604M"}


def test_published_charter_cannot_be_deleted_and_reminder_delay_still_changes(charter):
    with pytest.raises(PublishedText):
        charter.delete()
    charter.reminder_delay_days = 30
    charter.save_if_current(charter.version, ["reminder_delay_days"])
    assert Charter.objects.get(pk=charter.pk).reminder_delay_days == 30


def test_publishing_records_the_fingerprint(charter):
    assert charter.fingerprint == charter.compute_fingerprint()
    assert charter.published_at is not None


def test_publish_refuses_an_incomplete_draft(kinds, city, city_admin):
    draft = make_charter(city, by=city_admin, qpvs=[], articles=[], effective_date=None)
    with pytest.raises(ValidationError) as error:
        draft.publish(by=city_admin)
    assert "quartier prioritaire" in str(error.value)
    assert "au moins un article" in str(error.value)
    assert "date d'entrée en vigueur" in str(error.value)


# Signatures


def test_signature_keeps_the_fingerprint_who_and_when(signed, landlord_admin):
    assert signed.state == Signature.State.SIGNED
    assert signed.fingerprint == signed.charter.fingerprint
    assert signed.signed_by == landlord_admin
    assert signed.signatory_name == landlord_admin.full_name
    assert signed.signed_at is not None


def test_signing_refuses_another_text(invitation, landlord_admin):
    with pytest.raises(ValidationError, match="n'est pas celui de la charte publiée"):
        invitation.sign(by=landlord_admin, signatory_name="Alice", signatory_function="DG", fingerprint="0" * 64)


def test_two_admins_signing_at_once_give_one_signature(invitation, landlord, landlord_admin):
    """Two stale instances of the same row (the SQLite test database cannot run real threads)."""
    from tests.factories import member

    second_admin = member(landlord, email="albert@habitat-du-clain.fr", full_name="Albert Second")
    first = Signature.objects.get(pk=invitation.pk)
    second = Signature.objects.get(pk=invitation.pk)
    with transaction.atomic():
        first.sign(
            by=landlord_admin, signatory_name="Alice", signatory_function="DG", fingerprint=first.charter.fingerprint
        )
        first.save()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        second.sign(
            by=second_admin, signatory_name="Albert", signatory_function="DGA", fingerprint=second.charter.fingerprint
        )
        second.save()
    stored = Signature.objects.get(pk=invitation.pk)
    assert (stored.state, stored.signatory_name, stored.signed_by) == ("signed", "Alice", landlord_admin)
    from django_fsm_log.models import StateLog

    assert StateLog.objects.for_(stored).filter(transition="sign").count() == 1


def test_one_signature_per_organisation_and_version(invitation, landlord, city_admin):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.create(charter=invitation.charter, organization=landlord, invited_by=city_admin)


# New versions


def test_new_version_supersedes_and_carries_signatures_over(signed, landlord2, city_admin, trois_cites):
    old = signed.charter
    commitment = commit(signed, "equipped_share", qpv=trois_cites, target_value=Decimal(100))
    pending = invite(old, landlord2, by=city_admin)
    draft = old.new_version(by=city_admin)
    assert (draft.number, draft.state, draft.previous) == (2, "draft", old)
    draft.effective_date = datetime.date(2027, 1, 1)
    draft.articles = [*draft.articles, {"heading": "Nouveau", "body": "Un article de plus."}]
    draft.save()
    draft.publish(by=city_admin)
    draft.save()

    old.refresh_from_db()
    assert old.state == Charter.State.SUPERSEDED
    assert old.fingerprint != draft.fingerprint
    for signature in (signed, pending):
        signature.refresh_from_db()
        assert signature.state == Signature.State.SUPERSEDED
        new = signature.replaced_by
        assert (new.charter, new.state) == (draft, Signature.State.INVITED)
    proposal = signed.replaced_by.commitments.get()
    assert (proposal.kind, proposal.qpv, proposal.target_value, proposal.copied_from) == (
        commitment.kind,
        trois_cites,
        Decimal(100),
        commitment,
    )
    assert not proposal.in_force
    # The old version and its adhesion stay readable, unchanged.
    assert signed.fingerprint == old.fingerprint == old.compute_fingerprint()
    assert signed.commitments.get().in_force


# Progress: met, on track (at or above the straight line from signature to target), late.


def progress_of(value, *, target=100, baseline=20, direction=Direction.AT_LEAST, state=Signature.State.SIGNED):
    kind = CommitmentKind(code="share", value_type=ValueType.NUMBER, direction=direction, unit="%")
    signature = Signature(state=state)
    commitment = Commitment(
        signature=signature,
        kind=kind,
        target_value=Decimal(target),
        baseline_value=None if baseline is None else Decimal(baseline),
        starts_on=datetime.date(2026, 1, 1),
        due_date=datetime.date(2028, 1, 1),  # 730 days later: halfway on 1 January 2027
    )
    return commitment.progress(Measure(None if value is None else Decimal(value), "%"))


@time_machine.travel(datetime.date(2027, 1, 1))
@pytest.mark.parametrize(
    ("value", "status"),
    [
        (100, ProgressStatus.MET),
        (61, ProgressStatus.ON_TRACK),
        (60, ProgressStatus.ON_TRACK),  # on the line: 20 + 80 × 365/730
        (59, ProgressStatus.LATE),
        (None, ProgressStatus.NO_DATA),
    ],
)
def test_progress_against_the_straight_line(value, status):
    progress = progress_of(value)
    assert progress.status == status
    if status in (ProgressStatus.ON_TRACK, ProgressStatus.LATE):
        assert progress.expected == Decimal(60)


@time_machine.travel(datetime.date(2027, 1, 1))
@pytest.mark.parametrize(
    ("value", "status"),
    [(3, ProgressStatus.MET), (4, ProgressStatus.ON_TRACK), (4.6, ProgressStatus.LATE)],
)
def test_progress_of_a_ceiling_goes_down_the_line(value, status):
    # from 5 € at signature to 3 € two years later: 4 € expected halfway
    assert progress_of(value, target=3, baseline=5, direction=Direction.AT_MOST).status == status


@time_machine.travel(datetime.date(2028, 1, 1))
def test_not_reached_on_its_date_is_late():
    assert progress_of(99).status == ProgressStatus.LATE
    assert progress_of(100).status == ProgressStatus.MET


@time_machine.travel(datetime.date(2027, 1, 1))
def test_without_a_value_at_signature_it_is_on_track_until_its_date():
    assert progress_of(10, baseline=None).status == ProgressStatus.ON_TRACK


def test_unmeasured_proposed_and_ended_commitments():
    kind = CommitmentKind(code="unknown", value_type=ValueType.NUMBER, direction=Direction.AT_LEAST)
    signed = Commitment(
        signature=Signature(state="signed"),
        kind=kind,
        starts_on=datetime.date(2026, 1, 1),
        due_date=datetime.date(2027, 1, 1),
    )
    assert signed.progress(None).status == ProgressStatus.NOT_YET_MEASURABLE
    assert signed.progress(None).label == "Mesurable après le déploiement"
    proposal = Commitment(signature=Signature(state="invited"), kind=kind, due_date=datetime.date(2027, 1, 1))
    assert proposal.progress(None).status == ProgressStatus.PROPOSED
    withdrawn = Commitment(
        signature=Signature(state="withdrawn"),
        kind=kind,
        starts_on=datetime.date(2026, 1, 1),
        due_date=datetime.date(2027, 1, 1),
    )
    assert withdrawn.progress(Measure(Decimal(1))).status == ProgressStatus.ENDED


@time_machine.travel(datetime.date(2026, 6, 1))
def test_choice_and_declaration_kinds_are_met_or_on_track_until_their_date():
    basis = CommitmentKind(code="legal_basis", value_type=ValueType.CHOICE, choices=[["a", "Accord"], ["b", "Opt-in"]])
    commitment = Commitment(
        signature=Signature(state="signed"),
        kind=basis,
        target_choice="a",
        starts_on=datetime.date(2026, 1, 1),
        due_date=datetime.date(2026, 12, 31),
    )
    assert commitment.progress(Measure("a")).status == ProgressStatus.MET
    assert commitment.progress(Measure("b")).status == ProgressStatus.ON_TRACK
    assert commitment.progress(Measure("b")).value_text == "Opt-in"
    with time_machine.travel(datetime.date(2027, 1, 1)):
        assert commitment.progress(Measure("b")).status == ProgressStatus.LATE


def test_straight_line():
    start, due = datetime.date(2026, 1, 1), datetime.date(2026, 1, 11)
    assert straight_line(Decimal(0), Decimal(100), start, due, datetime.date(2026, 1, 6)) == Decimal(50)
    assert straight_line(Decimal(0), Decimal(100), start, due, datetime.date(2025, 1, 1)) == Decimal(0)
    assert straight_line(None, Decimal(100), start, due, start) is None


def test_values_are_written_in_french():
    share = CommitmentKind(value_type=ValueType.NUMBER, unit="%")
    euros = CommitmentKind(value_type=ValueType.NUMBER, unit="€ TTC par mois")
    assert share.format_value(Decimal("38.333")) == "38,3 %"
    assert share.format_value(100) == "100 %"
    assert euros.format_value(Decimal("2.5")) == "2,50 € TTC par mois"


# Measures: live data, and the extension point later apps fill.


def test_equipped_share_is_measured_from_the_stock_now_and_at_signature(signed, landlord, trois_cites):
    _, lodgings = make_dwellings(landlord, trois_cites, 4, equipped=1, equipped_on=datetime.date(2026, 1, 5))
    commitment = commit(signed, "equipped_share", qpv=trois_cites, target_value=Decimal(100))
    assert measure_of(commitment).value == Decimal(25)
    assert measure_of(commitment).source == "1 logement équipé d'une box sur 4"
    assert measure_of(commitment, day=datetime.date(2026, 1, 4)).value == Decimal(0)
    lodgings[1].record_equipment(status=EquipmentStatus.BOX, effective_date=datetime.date.today(), by=None)
    assert measure_of(commitment).value == Decimal(50)
    assert measures_of([commitment]) == {commitment.pk: measure_of(commitment)}


def test_value_at_signature_is_kept_when_signing(invitation, landlord, landlord_admin, trois_cites):
    make_dwellings(landlord, trois_cites, 4, equipped=1, equipped_on=datetime.date(2026, 1, 5))
    proposal = commit(invitation, "equipped_share", qpv=trois_cites, target_value=Decimal(100))
    assert (proposal.starts_on, proposal.baseline_value) == (None, None)
    sign(invitation, landlord_admin)
    proposal.refresh_from_db()
    assert proposal.starts_on == datetime.date.today()
    assert proposal.baseline_value == Decimal(25)


def test_a_later_app_registers_a_measure(signed, monkeypatch):
    # as before subscriptions registered its measure of this kind
    unmeasured = {code: funcs for code, funcs in measures._measures.items() if code != "tenant_charge_ceiling"}
    monkeypatch.setattr(measures, "_measures", unmeasured)
    commitment = commit(signed, "tenant_charge_ceiling", target_value=Decimal(3))
    assert measure_of(commitment) is None
    assert commitment.progress(None).status == ProgressStatus.NOT_YET_MEASURABLE

    register_measure("tenant_charge_ceiling", lambda c, day=None: Measure(Decimal("2.90"), "€ TTC par mois"))
    assert commitment.progress(measure_of(commitment)).status == ProgressStatus.MET
    assert measures_of([commitment])[commitment.pk].value == Decimal("2.90")


def test_many_measures_equal_one_by_one(signed, invitation, landlord, trois_cites, bel_air):
    make_dwellings(landlord, trois_cites, 5, equipped=2)
    make_dwellings(landlord, bel_air, 3, equipped=3)
    commitments = [
        commit(signed, "equipped_share", qpv=trois_cites, target_value=Decimal(100)),
        commit(signed, "equipped_share", qpv=bel_air, target_value=Decimal(100)),
    ]
    batch = measures_of(commitments)
    assert [batch[c.pk] for c in commitments] == [measure_of(c) for c in commitments]
    assert [batch[c.pk].value for c in commitments] == [Decimal(40), Decimal(100)]


# Who sees what


def test_visibility_matrix(cast, charter, draft, landlord, landlord2, operator, city_admin):
    signature = invite(charter, landlord, by=city_admin)
    other = invite(charter, operator, by=city_admin)

    def charters(user):
        return set(Charter.objects.visible_to(user))

    def signatures(user):
        return set(Signature.objects.visible_to(user))

    assert charters(cast["city_admin"]) == charters(cast["city_member"]) == {charter}
    assert charters(cast["landlord_viewer"]) == {charter}
    assert charters(cast["landlord2_admin"]) == set()
    assert charters(cast["state_user"]) == charters(cast["outsider"]) == set()
    assert signatures(cast["city_member"]) == {signature, other}
    assert signatures(cast["landlord_viewer"]) == {signature}
    assert signatures(cast["operator_admin"]) == {other}
    assert signatures(cast["landlord2_admin"]) == signatures(cast["operator2_admin"]) == set()
    assert signatures(cast["outsider"]) == signatures(cast["state_user"]) == set()
    assert set(Charter.objects.published()) == {charter}


def test_city_sees_the_organisations_invited_to_its_charters(charter, city_admin, outsider):
    """The presence extension point: an organisation the city does not know, invited to its charter."""
    stranger = Organization.objects.create(kind="landlord", name="Bailleur venu d'ailleurs", siren="732829320")
    assert stranger not in Organization.objects.visible_to(city_admin)
    invite(charter, stranger, by=city_admin)
    assert stranger in Organization.objects.visible_to(city_admin)
    assert stranger not in Organization.objects.visible_to(outsider)
