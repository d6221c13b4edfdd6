"""Time-driven steps of the stock (called every minute by `manage.py run_deadlines`)."""

import datetime

from django.db import transaction

from .imports import Outcome
from .models import ImportBatch, ImportState
from .tasks import UNEXPECTED, forget_file

# An uploaded file is kept only while its preview waits for a decision: it may hold lease
# references (pseudonymous personal data). A preview nobody confirmed is abandoned after a week.
PREVIEW_KEPT = datetime.timedelta(days=7)
# A check still "in progress" after a day lost its worker (restart, crash): it ends refused.
STALLED = datetime.timedelta(days=1)


def run(now):
    abandoned = stalled = 0
    for batch in ImportBatch.objects.filter(state=ImportState.READY, created_at__lt=now - PREVIEW_KEPT):
        with transaction.atomic():
            batch.cancel(by=None)
            batch.save()
        forget_file(batch)
        abandoned += 1
    running = (ImportState.PENDING, ImportState.VALIDATING, ImportState.APPLYING)
    for batch in ImportBatch.objects.filter(state__in=running, created_at__lt=now - STALLED):
        with transaction.atomic():
            batch.refuse(outcome=Outcome.refused(batch.kind, UNEXPECTED))
            batch.save()
        forget_file(batch)
        stalled += 1
    if abandoned or stalled:
        return f"imports : {abandoned} aperçu(s) abandonné(s), {stalled} import(s) interrompu(s)"
    return None
