"""Starting a contract's rollout: one planned subscription for every dwelling of its perimeter.

Spans two apps (operators' Contract, the stock's dwellings), hence a module function rather than a
model method (style.md). Set-based: two INSERT … SELECT statements whatever the perimeter's size
(100,000 dwellings in benchmarks/rollout.py), so the rows never travel through Python. Once committed,
the rollout is published in the open data (an OCDS implementation release, ocds.py).
"""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from operators.models import Contract, ContractState

from .models import EventSource, Rollout, Subscription, SubscriptionEvent, SubscriptionStatus
from .ocds import record_implementation


def rollout_candidates(contract):
    """Dwellings of the perimeter (in stock) without a subscription under this contract, and not
    served by another contract's live subscription."""
    mine = Subscription.objects.filter(lodging=OuterRef("pk"), contract=contract)
    lodgings = contract.lodgings().exclude(Exists(mine))
    elsewhere = Exists(Subscription.objects.live().filter(lodging=OuterRef("pk")).exclude(contract=contract))
    return lodgings.exclude(elsewhere), lodgings.filter(elsewhere)


def start_rollout(*, contract, by, on=None) -> Rollout:
    """Plan a subscription for every dwelling of `contract`'s perimeter; run again, it adds the
    dwellings that joined the perimeter since. Returns the batch record (created and skipped counts)."""
    today = timezone.localdate()
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        if contract.state != ContractState.ACTIVE or contract.start is None:
            raise ValidationError("Le déploiement commence une fois le marché signé par les deux parties et en cours.")
        if contract.end is not None and contract.end < today:
            raise ValidationError("Ce marché est terminé : il n'y a plus de logement à équiper.")
        effective = max(on or today, contract.start)
        to_plan, served_elsewhere = rollout_candidates(contract)
        skipped = served_elsewhere.count()
        rollout = Rollout.objects.create(contract=contract, effective_date=effective, started_by=by)
        created = _insert_planned(contract, rollout, to_plan, effective, by)
        rollout.created_count, rollout.skipped_count = created, skipped
        rollout.save(update_fields=["created_count", "skipped_count"])
        if created:
            transaction.on_commit(lambda: record_implementation(contract))
    return rollout


def _insert_planned(contract, rollout, lodgings, day, by):
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    day = ops.adapt_datefield_value(day)
    select_sql, select_params = lodgings.order_by().values("pk").query.sql_with_params()
    lodgings_table = lodgings.model._meta.db_table
    subscriptions = Subscription._meta.db_table
    events = SubscriptionEvent._meta.db_table
    planned = SubscriptionStatus.PLANNED.value
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {subscriptions} (contract_id, lodging_id, rollout_id, status, status_date, box_serial, "
            f"created_at) SELECT %s, id, %s, %s, %s, '', %s FROM {lodgings_table} WHERE id IN ({select_sql})",
            [contract.pk, rollout.pk, planned, day, now, *select_params],
        )
        created = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {events} (subscription_id, status, effective_date, recorded_at, recorded_by_id, source, "
            f"reason, box_serial, contest_reason) SELECT id, %s, %s, %s, %s, %s, '', '', '' FROM {subscriptions} "
            "WHERE rollout_id = %s",
            [planned, day, now, getattr(by, "pk", None), EventSource.ROLLOUT.value, rollout.pk],
        )
    return created
