import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from tests.tfpb import factories
from tfpb import deadlines
from tfpb.models import Convention, ConventionState, ReminderKind, ReportReminder, ReportState

PARIS = ZoneInfo("Europe/Paris")


def at(day, hour=10):
    return datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=PARIS)


@pytest.fixture
def signed(convention):
    Convention.objects.filter(pk=convention.pk).update(state=ConventionState.SIGNED)
    return convention


def state_of(convention):
    return Convention.objects.get(pk=convention.pk).state


def test_a_signed_convention_comes_into_force_on_1_january_of_its_first_year(signed):
    assert deadlines.run(at("2024-12-31", 23)) is None
    assert state_of(signed) == ConventionState.SIGNED
    assert deadlines.run(at("2025-01-01", 0)) == "1 convention(s) TFPB entrée(s) en vigueur"
    assert state_of(signed) == ConventionState.IN_FORCE


def test_it_ends_after_its_last_year(convention):
    deadlines.run(at("2030-12-31"))
    assert state_of(convention) == ConventionState.IN_FORCE
    assert "1 convention(s) TFPB terminée(s)" in deadlines.run(at("2031-01-01"))
    assert state_of(convention) == ConventionState.ENDED


def test_a_draft_convention_stays_a_draft(draft_convention):
    deadlines.run(at("2026-01-01"))
    assert state_of(draft_convention) == ConventionState.DRAFT


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        ("2026-05-31", ReminderKind.DUE_IN_30),  # the 2025 report is due on 30 June 2026
        ("2026-06-23", ReminderKind.DUE_IN_7),
        ("2026-07-01", ReminderKind.OVERDUE),
    ],
)
def test_the_landlord_is_reminded_of_its_report(convention, cast, mailoutbox, day, kind):
    deadlines.run(at(day))
    reminder = ReportReminder.objects.get(year=2025)
    assert (reminder.kind, reminder.recipients) == (kind, 2)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([cast["landlord_admin"].email, cast["landlord_member"].email])
    assert "Bilan TFPB 2025" in mailoutbox[0].subject
    assert "30/06/2026" in mailoutbox[0].body


def test_each_reminder_is_sent_once(convention, landlord_admin, mailoutbox):
    deadlines.run(at("2026-05-31"))
    deadlines.run(at("2026-05-31", 11))
    deadlines.run(at("2026-06-10"))
    assert len(mailoutbox) == 1
    deadlines.run(at("2026-06-23"))
    deadlines.run(at("2026-07-01"))
    deadlines.run(at("2026-08-01"))
    assert [r.kind for r in ReportReminder.objects.order_by("sent_at")] == [
        ReminderKind.DUE_IN_30,
        ReminderKind.DUE_IN_7,
        ReminderKind.OVERDUE,
    ]
    assert len(mailoutbox) == 3


def test_no_reminder_too_early(convention, landlord_admin, mailoutbox):
    assert deadlines.run(at("2026-05-30")) is None
    assert mailoutbox == []


@pytest.mark.parametrize("status", [ReportState.SUBMITTED, ReportState.RESUBMITTED, ReportState.VALIDATED])
def test_no_reminder_once_submitted(convention, landlord_admin, mailoutbox, status):
    factories.report(convention, status=status)
    deadlines.run(at("2026-07-01"))
    assert mailoutbox == []


def test_a_returned_report_is_still_reminded(convention, landlord_admin, mailoutbox):
    factories.report(convention, status=ReportState.RETURNED)
    deadlines.run(at("2026-07-01"))
    assert "la date de remise du 30/06/2026 est dépassée" in mailoutbox[0].subject


def test_run_deadlines_command_does_it(signed, landlord_admin, mailoutbox):
    out = io.StringIO()
    with time_machine.travel(at("2026-06-01"), tick=False):
        call_command("run_deadlines", stdout=out)
    assert "[tfpb] 1 convention(s) TFPB entrée(s) en vigueur, 1 relance(s) de bilan envoyée(s)" in out.getvalue()
    assert state_of(signed) == ConventionState.IN_FORCE
