"""Rules on one object, tested on unsaved instances where they need no database."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from operators.models import Contract
from subscriptions.models import (
    ChargeSetting,
    ConsultationRule,
    LegalBasis,
    VoteOutcome,
    status_change_error,
)
from tests.subscriptions import factories

RULE = ConsultationRule(quorum_percent=Decimal(25), majority_percent=Decimal(50), second_round_quorum_percent=0)


def judge(round, consulted, votes_for, against):
    return RULE.judge(round=round, consulted=consulted, votes_for=votes_for, votes_against=against)


def test_exactly_a_quarter_taking_part_is_enough():
    outcome, reason = judge(1, 100, 13, 12)
    assert outcome == VoteOutcome.CARRIED
    assert reason == (
        "Approuvé : 13 voix pour et 12 contre, soit 52,0 % des réponses ; "
        "participation de 25,0 % (25 réponses sur 100 foyers consultés)."
    )


def test_just_under_a_quarter_calls_for_a_second_consultation():
    assert judge(1, 100, 24, 0)[0] == VoteOutcome.QUORUM_MISSED


def test_a_tie_is_not_a_majority():
    assert judge(1, 100, 20, 20)[0] == VoteOutcome.REJECTED


def test_nobody_answering_the_second_time_rejects():
    assert judge(2, 100, 0, 0)[0] == VoteOutcome.REJECTED
    assert judge(1, 100, 0, 0)[0] == VoteOutcome.QUORUM_MISSED


def test_the_second_consultation_needs_no_quorum():
    assert judge(2, 100, 2, 1)[0] == VoteOutcome.CARRIED


def test_impossible_figures_are_refused():
    with pytest.raises(ValidationError, match="plus de réponses que de foyers consultés"):
        judge(1, 10, 8, 3)
    with pytest.raises(ValidationError, match="Indiquez le nombre de foyers consultés."):
        judge(1, 0, 0, 0)


def test_the_rule_is_data():
    stricter = ConsultationRule(quorum_percent=Decimal(50), majority_percent=Decimal("66.67"))
    assert stricter.judge(round=1, consulted=100, votes_for=40, votes_against=5)[0] == VoteOutcome.QUORUM_MISSED
    assert stricter.judge(round=1, consulted=100, votes_for=40, votes_against=20)[0] == VoteOutcome.REJECTED


def test_the_tenants_amount_rounds_half_up():
    setting = ChargeSetting(landlord_share_percent=Decimal("75.00"))
    assert setting.tenant_amount(Decimal("10.68")) == Decimal("2.67")
    assert ChargeSetting(landlord_share_percent=Decimal("50")).tenant_amount(Decimal("0.05")) == Decimal("0.03")


def test_status_changes_follow_the_lifecycle():
    contract = Contract(start=datetime.date(2025, 1, 1), end=datetime.date(2028, 12, 31))
    today = datetime.date(2025, 6, 1)

    def error(current, new, day, since=datetime.date(2025, 2, 1)):
        return status_change_error(current=current, since=since, new=new, day=day, contract=contract, today=today)

    assert error("planned", "active", datetime.date(2025, 3, 1)) is None
    assert error("suspended", "active", datetime.date(2025, 3, 1)) is None
    assert error("planned", "suspended", datetime.date(2025, 3, 1))[0] == "status"
    assert error("terminated", "active", datetime.date(2025, 3, 1))[1].startswith("l'abonnement est résilié")
    assert error("planned", "active", datetime.date(2025, 7, 1))[0] == "date"
    assert error("planned", "active", datetime.date(2025, 1, 15))[1] == (
        "la date d'effet précède celle du statut actuel (01/02/2025)"
    )


def test_one_open_basis_per_residence(tilleuls):
    factories.collective(tilleuls)
    with pytest.raises(ValidationError, match="La résidence a déjà une base juridique"):
        factories.opt_in_basis(tilleuls)
    with pytest.raises(IntegrityError):
        LegalBasis.objects.create(residence=tilleuls, kind="individual_opt_in", state="in_force")


def test_an_ended_basis_covers_its_days_only(tilleuls):
    basis = factories.collective(tilleuls, since=datetime.date(2025, 1, 1))
    basis.end(by=None, on=datetime.date(2025, 3, 31), reason="Dénoncé par les associations")
    basis.save()
    assert basis.covers(datetime.date(2025, 3, 31)) and not basis.covers(datetime.date(2025, 4, 1))
    assert not basis.covers(datetime.date(2024, 12, 31))
