"""Time in the subscriptions' life (run by `manage.py run_deadlines`, every minute; idempotent).

- when a contract has ended (its end date passed, expired or terminated), its live subscriptions
  are terminated the day after, a dated event from the system: nothing is charged after it.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from .models import EventSource, Subscription, SubscriptionEvent, SubscriptionStatus

CHUNK = 2000


def run(now):
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
