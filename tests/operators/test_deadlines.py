import datetime

import time_machine
from django.core.management import call_command
from django.utils import timezone

from operators import deadlines
from operators.models import Contract, Tender


def test_run_closes_reminds_once_and_is_idempotent(
    tender, bid, landlord_admin, mailoutbox, django_capture_on_commit_callbacks
):
    later = tender.deadline + datetime.timedelta(minutes=1)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        summary = deadlines.run(timezone.now())
        assert "1 appel(s) d'offres clos, 1 rappel(s)" in summary
        assert deadlines.run(timezone.now()) is None
    tender.refresh_from_db()
    assert tender.state == "closed" and tender.open_reminder_sent_at
    assert [m.to for m in mailoutbox] == [[landlord_admin.email]] and "1 offre attend" in mailoutbox[0].body


def test_run_before_the_deadline_does_nothing(tender):
    assert deadlines.run(timezone.now()) is None
    assert Tender.objects.get(pk=tender.pk).state == "published"


def test_end_of_standstill_is_announced_once(
    staged, landlord_admin, operator_admin, mailoutbox, django_capture_on_commit_callbacks
):
    tender = staged("awarded")
    Tender.objects.filter(pk=tender.pk).update(standstill_ends_at=timezone.now() + datetime.timedelta(days=11))
    assert deadlines.run(timezone.now()) is None
    later = timezone.now() + datetime.timedelta(days=12)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert "1 fin(s) de délai de suspension" in deadlines.run(timezone.now())
        assert deadlines.run(timezone.now()) is None
    assert {m.to[0] for m in mailoutbox} >= {landlord_admin.email, operator_admin.email}


def test_contract_expires_the_day_after_its_end(staged):
    contract = staged("contracted").contract
    with time_machine.travel(contract.end + datetime.timedelta(days=2), tick=False):
        call_command("run_deadlines", stdout=__import__("io").StringIO())
    assert Contract.objects.get(pk=contract.pk).state == "expired"
