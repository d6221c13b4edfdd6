"""Builders for the monitoring tests: dwellings with dated equipment, tenders, contracts and dated
subscriptions, by bulk.

Dates are relative to today (`months_ago`), so that the monthly history always has closed months
to replay, whenever the suite runs.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from leases.models import EquipmentEvent, EquipmentStatus, EventSource, Lodging, Qpv, QpvCommune, Residence
from monitoring.history import add_months, month_start
from operators.models import Bid, Contract, ContractState, Tender, TenderState
from subscriptions.models import EventSource as SubscriptionSource
from subscriptions.models import Subscription, SubscriptionEvent


def months_ago(count, day=10):
    """A day of the month `count` months before this one (day 10 by default)."""
    return add_months(month_start(timezone.localdate()), -count).replace(day=day)


def make_qpv(code, name, communes):
    qpv, _ = Qpv.objects.get_or_create(code=code, defaults={"name": name})
    for insee in communes:
        QpvCommune.objects.get_or_create(qpv=qpv, insee_code=insee)
    return qpv


def residence(landlord, name, *, commune="86194", commune_name="Poitiers", qpv=None, fibre="deploye"):
    return Residence.objects.create(
        landlord=landlord,
        group_key=f"{name.upper()}|{commune}",
        name=name,
        address="RUE DES TESTS",
        commune=commune,
        commune_name=commune_name,
        qpv=qpv,
        fibre_state=fibre,
    )


def dwellings(home, count, *, prefix=None):
    """`count` dwellings of residence `home` (one bulk_create), in id order."""
    prefix = prefix or f"R{home.pk:04d}"
    Lodging.objects.bulk_create(
        [
            Lodging(
                landlord_id=home.landlord_id,
                residence=home,
                rpls_id=f"{prefix}{i:05d}",
                internal_id=f"INT-{prefix}-{i}",
                commune=home.commune,
                commune_name=home.commune_name,
                street_number=str(i + 1),
                street_name="DES TESTS",
                qpv_id=home.qpv_id,
            )
            for i in range(count)
        ],
        batch_size=2000,
    )
    return list(Lodging.objects.filter(residence=home).order_by("pk"))


def equip(lodgings, status=EquipmentStatus.BOX, *, on, contested=False, recorded_at=None):
    """One dated event per dwelling (bulk), then their derived status refreshed."""
    now = recorded_at or timezone.now()
    EquipmentEvent.objects.bulk_create(
        [
            EquipmentEvent(
                lodging=lodging,
                status=status,
                effective_date=on,
                recorded_at=now,
                source=EventSource.LANDLORD,
                contested_at=now if contested else None,
            )
            for lodging in lodgings
        ]
    )
    Lodging.objects.filter(pk__in=[lodging.pk for lodging in lodgings]).refresh_equipment()


def tender(landlord, residences, state, reference):
    """A tender in `state` (set directly: the transitions are tested in operators)."""
    now = timezone.now()
    obj = Tender.objects.create(
        landlord=landlord,
        reference=reference,
        title=f"Box dans chaque logement ({reference})",
        estimated_value_ht=Decimal("90000"),
        duration_months=48,
        deadline=now + datetime.timedelta(days=30),
        questions_deadline=now + datetime.timedelta(days=10),
    )
    obj.residences.set(residences)
    published = None if state == TenderState.DRAFT else now - datetime.timedelta(days=40)
    Tender.objects.filter(pk=obj.pk).update(state=state, published_at=published)
    return Tender.objects.get(pk=obj.pk)


def contract(tender_obj, operator, *, state=ContractState.ACTIVE, dwelling_count=0, start=None):
    bid = Bid.objects.create(
        tender=tender_obj,
        operator=operator,
        unit_price_ht=Decimal("9.50"),
        download_mbps=1000,
        upload_mbps=500,
    )
    obj = Contract.objects.create(
        tender=tender_obj,
        bid=bid,
        landlord=tender_obj.landlord,
        operator=operator,
        reference=tender_obj.reference,
        dwelling_count=dwelling_count,
        unit_price_ht=Decimal("9.50"),
        vat_rate=Decimal("20"),
        installation_fee_ht=Decimal("0"),
        duration_months=48,
        earliest_signature_at=timezone.now() - datetime.timedelta(days=20),
        start=start or timezone.localdate() - datetime.timedelta(days=10),
    )
    obj.residences.set(tender_obj.residences.all())
    Contract.objects.filter(pk=obj.pk).update(state=state)
    return Contract.objects.get(pk=obj.pk)


def subscribe(contract_obj, lodging, *steps, contested=False, recorded_at=None):
    """A subscription planned at the contract's start, then dated statuses: ("active", day), …
    (`contested`: the operator's statuses are contested by the landlord, only "planned" counts)."""
    now = recorded_at or timezone.now()
    subscription = Subscription.objects.create(contract=contract_obj, lodging=lodging)
    SubscriptionEvent.objects.bulk_create(
        [
            SubscriptionEvent(
                subscription=subscription,
                status="planned",
                effective_date=contract_obj.start,
                recorded_at=now,
                source=SubscriptionSource.ROLLOUT,
            ),
            *(
                SubscriptionEvent(
                    subscription=subscription,
                    status=status,
                    effective_date=day,
                    recorded_at=now,
                    source=SubscriptionSource.OPERATOR_REPORT,
                    contested_at=now if contested else None,
                )
                for status, day in steps
            ),
        ]
    )
    subscription.refresh_status()
    return subscription
