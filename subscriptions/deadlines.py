"""Time in the subscriptions' life (run by `manage.py run_deadlines`, every minute; idempotent).

- when a contract has ended (its end date passed, expired or terminated), its live subscriptions
  are terminated the day after, a dated event from the system: nothing is charged after it;
- once a month, each running contract whose rollout started publishes its counts in the open data
  (an OCDS implementation release, ocds.py), at most one a month.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from . import ocds
from .models import EventSource, Subscription, SubscriptionEvent, SubscriptionStatus

CHUNK = 2000


def run(now):
    summaries = [end_with_contracts(now), publish_implementation(now)]
    return " ".join(s for s in summaries if s) or None


def publish_implementation(now):
    recorded = [ocds.record_implementation(contract) for contract in ocds.due_this_month(now)]
    count = sum(1 for release in recorded if release is not None)
    return f"{count} publication(s) OCDS du déploiement (données ouvertes)." if count else None


def end_with_contracts(now):
    today = timezone.localdate(now)
    ended = list(Subscription.objects.live().filter(contract__end__lt=today).values_list("pk", "contract__end"))
    if not ended:
        return None
    for start in range(0, len(ended), CHUNK):
        chunk = ended[start : start + CHUNK]
        with transaction.atomic():
            SubscriptionEvent.objects.bulk_create(
                SubscriptionEvent(
                    subscription_id=pk,
                    status=SubscriptionStatus.TERMINATED,
                    effective_date=end + datetime.timedelta(days=1),
                    recorded_at=now,
                    source=EventSource.SYSTEM,
                    reason="Fin du marché",
                )
                for pk, end in chunk
            )
            Subscription.objects.filter(pk__in=[pk for pk, _ in chunk]).refresh_status()
    return f"{len(ended)} abonnement(s) résilié(s) à la fin de leur marché."
