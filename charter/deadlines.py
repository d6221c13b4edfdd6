"""Reminders for unanswered invitations (called every minute by `manage.py run_deadlines`).

Idempotent: one reminder per adhesion and per delay (Reminder's unique constraint), so running it
twice, or every minute, sends nothing more. If the city changes the delay, a reminder may go out
once for the new delay.
"""

import datetime
from functools import partial

from django.db import transaction
from django.db.models import Exists, OuterRef

from .emails import send_reminder
from .models import Charter, Reminder, Signature


def run(now):
    already_reminded = Reminder.objects.filter(
        signature=OuterRef("pk"), delay_days=OuterRef("charter__reminder_delay_days")
    )
    waiting = (
        Signature.objects.filter(
            state=Signature.State.INVITED,
            charter__state=Charter.State.OPEN,
            charter__reminder_delay_days__gt=0,
        )
        .exclude(Exists(already_reminded))
        .select_related("charter", "charter__city", "organization")
    )
    sent = 0
    for signature in waiting:
        delay = signature.charter.reminder_delay_days
        if signature.invited_at + datetime.timedelta(days=delay) > now:
            continue
        with transaction.atomic():
            _, created = Reminder.objects.get_or_create(
                signature=signature, delay_days=delay, defaults={"sent_at": now}
            )
            if created:
                transaction.on_commit(partial(send_reminder, signature, delay))
                sent += 1
    if sent:
        return (
            f"{sent} relance{'s' if sent > 1 else ''} d'invitation à signer la charte envoyée{'s' if sent > 1 else ''}."
        )
    return None
