import datetime

from django.utils import timezone

from operators.models import Contract
from subscriptions import deadlines
from subscriptions.models import EventSource, Subscription


def test_subscriptions_end_with_their_contract(world):
    Contract.objects.filter(pk=world.pk).update(end=datetime.date(2025, 9, 30))
    summary = deadlines.run(timezone.now())
    assert summary == "4 abonnement(s) résilié(s) à la fin de leur marché."
    assert set(Subscription.objects.values_list("status", "status_date")) == {
        ("terminated", datetime.date(2025, 10, 1))
    }
    event = Subscription.objects.first().events.order_by("-pk").first()
    assert (event.source, event.reason) == (EventSource.SYSTEM, "Fin du marché")
    assert deadlines.run(timezone.now()) is None  # idempotent


def test_running_contracts_are_left_alone(world):
    assert deadlines.run(timezone.now()) is None
    assert Subscription.objects.live().count() == 4
