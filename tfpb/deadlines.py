"""Time in the life of TFPB conventions and reports, run by `manage.py run_deadlines` (every minute).

- a convention signed by all comes into force on 1 January of its first year of application,
  and ends once its last year is over;
- the landlord is reminded of each yearly report 30 and 7 days before the convention's due date,
  then once when it is overdue, while the report is not submitted.

Idempotent: a state changes once, and each reminder is one ReportReminder row per convention,
year and kind, written in the same transaction as the sending (a failed send is retried next run;
a concurrent run fails on the unique row before sending anything).
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from .emails import send_reminder
from .models import EDITABLE_STATES, Convention, ConventionState, ReminderKind, ReportReminder

REMINDER_DAYS = {ReminderKind.DUE_IN_30: 30, ReminderKind.DUE_IN_7: 7}


def reminder_kind(today, due):
    """Which reminder is due on `today` for a report due on `due` (None: too early)."""
    if today > due:
        return ReminderKind.OVERDUE
    if today >= due - datetime.timedelta(days=REMINDER_DAYS[ReminderKind.DUE_IN_7]):
        return ReminderKind.DUE_IN_7
    if today >= due - datetime.timedelta(days=REMINDER_DAYS[ReminderKind.DUE_IN_30]):
        return ReminderKind.DUE_IN_30
    return None


def move(conventions, transition_name):
    count = 0
    for convention in conventions:
        try:
            with transaction.atomic():
                getattr(convention, transition_name)(by=None)
                convention.save()
        except (ConcurrentTransition, TransitionNotAllowed):
            continue  # another run moved it meanwhile
        count += 1
    return count


def remind(today):
    count = 0
    conventions = Convention.objects.filter(state__in=[ConventionState.IN_FORCE, ConventionState.ENDED])
    for convention in conventions.select_related("landlord").prefetch_related("reports", "reminders"):
        reports = {r.year: r for r in convention.reports.all()}
        sent = {(r.year, r.kind) for r in convention.reminders.all()}
        for year in convention.years:
            kind = reminder_kind(today, convention.report_due_date(year))
            report = reports.get(year)
            if kind is None or (year, kind) in sent or (report and report.state not in EDITABLE_STATES):
                continue
            try:
                with transaction.atomic():
                    reminder = ReportReminder.objects.create(convention=convention, year=year, kind=kind)
                    reminder.recipients = send_reminder(
                        convention=convention, year=year, overdue=kind == ReminderKind.OVERDUE
                    )
                    reminder.save(update_fields=["recipients"])
            except IntegrityError:
                continue  # a concurrent run sent it
            count += 1
    return count


def run(now):
    today = timezone.localdate(now)
    started = move(
        Convention.objects.filter(state=ConventionState.SIGNED, start_year__lte=today.year), "bring_into_force"
    )
    ended = move(Convention.objects.filter(state=ConventionState.IN_FORCE, end_year__lt=today.year), "end")
    reminded = remind(today)
    parts = []
    if started:
        parts.append(f"{started} convention(s) TFPB entrée(s) en vigueur")
    if ended:
        parts.append(f"{ended} convention(s) TFPB terminée(s)")
    if reminded:
        parts.append(f"{reminded} relance(s) de bilan envoyée(s)")
    return ", ".join(parts) or None
