import datetime
import io

import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from charter import deadlines
from charter.models import Charter, Reminder

from .factories import invite, sign

NOW = datetime.datetime(2026, 11, 26, 9, 0, tzinfo=datetime.UTC)


def run_at(moment, capture):
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return deadlines.run(timezone.now())


@time_machine.travel(NOW, tick=False)
def test_unanswered_invitation_is_reminded_once_after_the_delay(
    charter, landlord, landlord_admin, city_admin, django_capture_on_commit_callbacks
):
    Charter.objects.filter(pk=charter.pk).update(reminder_delay_days=10)
    signature = invite(charter, landlord, by=city_admin)
    assert run_at(NOW + datetime.timedelta(days=9, hours=23), django_capture_on_commit_callbacks) is None
    assert mail.outbox == []
    summary = run_at(NOW + datetime.timedelta(days=10, minutes=1), django_capture_on_commit_callbacks)
    assert summary == "1 relance d'invitation à signer la charte envoyée."
    assert [m.to for m in mail.outbox] == [[landlord_admin.email]]
    assert "Sans réponse de votre part depuis 10 jours" in mail.outbox[0].body
    assert signature.get_absolute_url() in mail.outbox[0].body
    # Idempotent: never twice for the same delay.
    assert run_at(NOW + datetime.timedelta(days=11), django_capture_on_commit_callbacks) is None
    assert len(mail.outbox) == 1
    # A longer delay set afterwards: one more reminder, once.
    Charter.objects.filter(pk=charter.pk).update(reminder_delay_days=20)
    run_at(NOW + datetime.timedelta(days=21), django_capture_on_commit_callbacks)
    run_at(NOW + datetime.timedelta(days=22), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    assert set(Reminder.objects.values_list("delay_days", flat=True)) == {10, 20}


@time_machine.travel(NOW, tick=False)
def test_no_reminder_for_answered_closed_or_disabled(
    charter,
    landlord,
    landlord_admin,
    landlord2,
    landlord2_admin,
    operator,
    city_admin,
    django_capture_on_commit_callbacks,
):
    sign(invite(charter, landlord, by=city_admin), landlord_admin)
    declined = invite(charter, landlord2, by=city_admin)
    declined.decline(by=landlord2_admin)
    declined.save()
    invite(charter, operator, by=city_admin)
    Charter.objects.filter(pk=charter.pk).update(reminder_delay_days=0)
    assert run_at(NOW + datetime.timedelta(days=60), django_capture_on_commit_callbacks) is None
    Charter.objects.filter(pk=charter.pk).update(reminder_delay_days=15)
    charter.refresh_from_db()
    charter.close(by=city_admin)
    charter.save()
    assert run_at(NOW + datetime.timedelta(days=60), django_capture_on_commit_callbacks) is None
    assert mail.outbox == []


def test_run_deadlines_command_runs_it(charter, landlord, city_admin, django_capture_on_commit_callbacks):
    signature = invite(charter, landlord, by=city_admin)
    type(signature).objects.filter(pk=signature.pk).update(invited_at=timezone.now() - datetime.timedelta(days=30))
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_deadlines", stdout=out)
    assert "[charter] 1 relance" in out.getvalue()
