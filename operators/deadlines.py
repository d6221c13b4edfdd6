"""Time in the tender's life (run by `manage.py run_deadlines`, every minute; idempotent).

- tenders whose deadline passed are closed (the deadline itself is enforced on every write by
  server time, whether or not this job has run);
- landlords are reminded once of closed tenders waiting to be opened;
- standstills that ended are announced to the landlord and the winner (the contract may be signed);
- active contracts past their end date expire.
"""

from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from . import notifications
from .models import Contract, ContractState, Tender, TenderState
from .releases import release_on_commit


def run(now):
    closed = reminded = standstills = expired = 0
    for tender in Tender.objects.filter(state=TenderState.PUBLISHED, deadline__lte=now):
        try:
            with transaction.atomic():
                tender.close(by=None)
                tender.closed_at = now
                tender.save()
        except (ConcurrentTransition, TransitionNotAllowed):
            continue  # someone opened it meanwhile
        closed += 1
    for tender in Tender.objects.filter(state=TenderState.CLOSED, open_reminder_sent_at__isnull=True).select_related(
        "landlord"
    ):
        with transaction.atomic():
            if Tender.objects.filter(pk=tender.pk, open_reminder_sent_at__isnull=True).update(
                open_reminder_sent_at=now
            ):
                notifications.later("open_reminder", [tender.landlord], tender=tender, bid_count=tender.bid_count())
                reminded += 1
    for tender in Tender.objects.filter(
        state=TenderState.AWARDED, standstill_ends_at__lte=now, standstill_notified_at__isnull=True
    ).select_related("landlord", "awarded_bid__operator"):
        with transaction.atomic():
            if Tender.objects.filter(pk=tender.pk, standstill_notified_at__isnull=True).update(
                standstill_notified_at=now
            ):
                notifications.later("standstill_over", [tender.landlord, tender.awarded_bid.operator], tender=tender)
                standstills += 1
    for contract in Contract.objects.filter(state=ContractState.ACTIVE, end__lt=timezone.localdate(now)):
        try:
            with transaction.atomic():
                contract.expire(by=None)
                contract.save()
                release_on_commit(tender=contract.tender, tag="contractTermination", contract=contract)
        except (ConcurrentTransition, TransitionNotAllowed):
            continue
        expired += 1
    if not (closed or reminded or standstills or expired):
        return None
    return (
        f"{closed} appel(s) d'offres clos, {reminded} rappel(s) d'ouverture, "
        f"{standstills} fin(s) de délai de suspension, {expired} marché(s) échu(s)."
    )
