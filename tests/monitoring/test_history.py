"""The monthly history table (MonthlyStock) against a plain replay of the dated events.

The oracle below is written independently of monitoring/history.py: for each dwelling and each
month end, is it still in the stock, what does its latest effective equipment event on or before
that day say, and is one of its subscriptions active that day (its latest effective status)? Every
test changes the data the way the apps do, refreshes as run_deadlines would, and compares the
whole table.
"""

import datetime
from collections import Counter

import pytest
from django.utils import timezone

from leases.models import EquipmentEvent, EquipmentStatus, ExitReason, Lodging
from monitoring import deadlines
from monitoring.history import (
    CHECK_EVERY,
    add_months,
    last_closed_month,
    live_monthly,
    month_end,
    month_start,
    refresh,
)
from monitoring.models import HistoryState, MonthlyOperatorActive, MonthlyStock
from subscriptions.models import EventSource, Subscription, SubscriptionEvent, SubscriptionStatus

from .factories import contract, months_ago, subscribe, tender


def latest(events, day, default):
    """The status of the latest of `events` (in order) effective on or before `day`."""
    status = default
    for event in events:
        if event.effective_date <= day:
            status = event.status
    return status


def replay(first, last):
    """In Python, month by month: ({(month, residence_id, landlord_id, commune, qpv_id): (dwellings,
    equipped, outlet, active)}, {(month, operator_id, residence_id, qpv_id): active under its contracts})."""
    order = ("effective_date", "recorded_at", "pk")
    events, statuses, subscriptions = {}, {}, {}
    for event in EquipmentEvent.objects.filter(contested_at__isnull=True).order_by(*order):
        events.setdefault(event.lodging_id, []).append(event)
    for event in SubscriptionEvent.objects.filter(contested_at__isnull=True).order_by(*order):
        statuses.setdefault(event.subscription_id, []).append(event)
    for subscription in Subscription.objects.select_related("contract"):
        subscriptions.setdefault(subscription.lodging_id, []).append(subscription)
    result, operators = Counter(), Counter()
    month = first
    while month <= last:
        day = month_end(month)
        for lodging in Lodging.objects.all():
            gone = lodging.exit_reason and (lodging.exited_on is None or lodging.exited_on <= day)
            if gone:
                continue
            status = latest(events.get(lodging.pk, []), day, EquipmentStatus.NONE)
            serving = {
                subscription.contract.operator_id
                for subscription in subscriptions.get(lodging.pk, [])
                if latest(statuses.get(subscription.pk, []), day, None) == SubscriptionStatus.ACTIVE
            }
            key = (month, lodging.residence_id, lodging.landlord_id, lodging.commune, lodging.qpv_id)
            result[key + ("dwellings",)] += 1
            result[key + ("equipped",)] += status == EquipmentStatus.BOX
            result[key + ("outlet",)] += status in (EquipmentStatus.BOX, EquipmentStatus.OUTLET)
            result[key + ("active",)] += bool(serving)
            for operator_id in serving:
                operators[(month, operator_id, lodging.residence_id, lodging.qpv_id)] += 1
        month = add_months(month, 1)
    keys = {k[:5] for k in result}
    columns = ("dwellings", "equipped", "outlet", "active")
    return {k: tuple(result[k + (column,)] for column in columns) for k in keys}, dict(operators)


def table():
    return {
        (row.month, row.residence_id, row.landlord_id, row.commune, row.qpv_id): (
            row.dwellings,
            row.equipped,
            row.outlet,
            row.active,
        )
        for row in MonthlyStock.objects.all()
    }


def operator_table():
    return {
        (row.month, row.operator_id, row.residence_id, row.qpv_id): row.active
        for row in MonthlyOperatorActive.objects.all()
    }


def assert_table_is_the_replay():
    state = HistoryState.objects.get()
    assert (table(), operator_table()) == replay(state.first_month, state.last_month)


def later(minutes=11):
    return timezone.now() + datetime.timedelta(minutes=minutes)


def test_the_full_rebuild_matches_the_plain_replay(scene):
    state = HistoryState.objects.get()
    assert state.last_month == last_closed_month(timezone.localdate())
    assert state.first_month == add_months(state.last_month, -35)
    assert_table_is_the_replay()


def test_past_months_come_from_the_dated_events_not_from_today(scene):
    """Trois Cités in Poitiers: 4 boxes three months ago, the same two months ago (the contested report
    does not count), 6 last month; never today's 6 copied backwards."""
    rows = MonthlyStock.objects.filter(qpv=scene.trois_cites, commune="86194", landlord=scene.tilleuls.landlord)
    equipped = {row.month: row.equipped for row in rows}
    assert equipped[month_start(months_ago(4))] == 0
    assert equipped[month_start(months_ago(3))] == 4
    assert equipped[month_start(months_ago(2))] == 4
    assert equipped[month_start(months_ago(1))] == 6


def test_a_dwelling_sold_last_month_no_longer_counts_from_that_month_on(scene):
    rows = {row.month: row.dwellings for row in MonthlyStock.objects.filter(qpv=scene.bel_air)}
    assert rows[month_start(months_ago(2))] == 7
    assert rows[month_start(months_ago(1))] == 6


def test_a_backdated_event_is_replayed_at_the_next_check(scene):
    lodging = scene.lodgings["patio"][0]
    lodging.record_equipment(status=EquipmentStatus.BOX, effective_date=months_ago(4), by=None)
    assert refresh(later()) == "historique mensuel : 1 commune recalculée"
    assert_table_is_the_replay()


def test_an_event_of_today_does_not_touch_closed_months(scene):
    lodging = scene.lodgings["patio"][0]
    lodging.record_equipment(status=EquipmentStatus.BOX, effective_date=timezone.localdate(), by=None)
    assert refresh(later()) is None
    assert_table_is_the_replay()


def test_a_contested_report_leaves_the_history(scene):
    event = EquipmentEvent.objects.filter(lodging=scene.lodgings["tilleuls"][0]).get()
    EquipmentEvent.objects.filter(pk=event.pk).update(contested_at=timezone.now(), contest_reason="Pas de box.")
    refresh(later())
    assert_table_is_the_replay()
    key = (month_start(months_ago(2)), scene.tilleuls.pk, scene.tilleuls.landlord_id, "86194", scene.trois_cites.pk)
    assert table()[key][1] == 3


def test_a_backdated_exit_and_a_change_of_qpv_are_replayed(scene):
    scene.lodgings["tilleuls"][1].leave_stock(reason=ExitReason.DEMOLISHED, on=months_ago(3, day=20))
    moved = scene.lodgings["patio"][2]
    moved.qpv = scene.bel_air
    moved.save()
    refresh(later())
    assert_table_is_the_replay()


def test_checks_wait_ten_minutes_between_them(scene):
    scene.lodgings["patio"][0].record_equipment(status=EquipmentStatus.BOX, effective_date=months_ago(4), by=None)
    assert refresh(timezone.now() + CHECK_EVERY / 2) is None
    assert refresh(later()) == "historique mensuel : 1 commune recalculée"


def test_a_closed_month_is_added_then_nothing_more_to_do(scene):
    next_month = add_months(month_start(timezone.localdate()), 1)
    now = timezone.make_aware(datetime.datetime.combine(next_month + datetime.timedelta(days=1), datetime.time(2)))
    summary = refresh(now)
    assert f"mois de {month_start(timezone.localdate()):%m/%Y} ajouté" in summary
    state = HistoryState.objects.get()
    assert state.last_month == month_start(timezone.localdate())
    assert_table_is_the_replay()


def test_everything_is_rebuilt_once_a_night(scene):
    MonthlyStock.objects.filter(commune="86214").update(equipped=99)  # what no timestamp would reveal
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    night = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(3, 30)))
    assert refresh(night).startswith("historique mensuel recalculé")
    assert_table_is_the_replay()
    assert refresh(night + datetime.timedelta(minutes=1)) is None


def test_run_deadlines_step_is_idempotent(scene):
    scene.lodgings["patio"][0].record_equipment(status=EquipmentStatus.BOX, effective_date=months_ago(4), by=None)
    assert deadlines.run(later()) is not None
    assert deadlines.run(later(12)) is None
    assert_table_is_the_replay()


def test_the_first_refresh_builds_everything(db):
    assert refresh().startswith("historique mensuel recalculé")
    assert MonthlyStock.objects.count() == 0


def test_the_live_replay_gives_the_same_figures_grouped_by_qpv(scene):
    state = HistoryState.objects.get()
    live = live_monthly(first=state.first_month, last=state.last_month)
    stored = Counter()
    for row in MonthlyStock.objects.all():
        stored[(row.month, row.qpv_id or 0, "d")] += row.dwellings
        stored[(row.month, row.qpv_id or 0, "e")] += row.equipped
        stored[(row.month, row.qpv_id or 0, "a")] += row.active
    assert {(r["month"], r["qkey"], "d"): r["dwellings"] for r in live} | {
        (r["month"], r["qkey"], "e"): r["equipped"] for r in live
    } | {(r["month"], r["qkey"], "a"): r["active"] for r in live} == dict(stored)


def clos_active(scene):
    """Active subscriptions of Clos Gaultier (Saint-Benoît) per closed month, from the table."""
    rows = MonthlyStock.objects.filter(commune="86214", landlord=scene.clos.landlord, qpv=scene.trois_cites)
    return {row.month: row.active for row in rows}


def test_active_subscriptions_come_from_the_dated_statuses(scene):
    """Clos Gaultier: #2 active from three months ago; #1 and #5 two months ago (#3 contested); #1
    suspended and #5 terminated last month; #0 only this month, so in no closed month."""
    active = clos_active(scene)
    assert active[month_start(months_ago(4))] == 0
    assert active[month_start(months_ago(3))] == 1
    assert active[month_start(months_ago(2))] == 3
    assert active[month_start(months_ago(1))] == 1


def test_a_backdated_status_is_replayed_at_the_next_check(scene, landlord_admin):
    planned = Subscription.objects.get(lodging=scene.lodgings["clos"][4])
    planned.record(
        status=SubscriptionStatus.ACTIVE, effective_date=months_ago(3), by=landlord_admin, source=EventSource.LANDLORD
    )
    assert refresh(later()) == "historique mensuel : 1 commune recalculée"
    assert_table_is_the_replay()
    assert clos_active(scene)[month_start(months_ago(3))] == 2


def test_a_status_of_today_does_not_touch_closed_months(scene, landlord_admin):
    planned = Subscription.objects.get(lodging=scene.lodgings["clos"][4])
    planned.record(
        status=SubscriptionStatus.ACTIVE,
        effective_date=timezone.localdate(),
        by=landlord_admin,
        source=EventSource.LANDLORD,
    )
    assert refresh(later()) is None
    assert_table_is_the_replay()


def test_a_contested_status_leaves_the_history(scene, landlord_admin):
    event = SubscriptionEvent.objects.get(subscription__lodging=scene.lodgings["clos"][2], status="active")
    event.contest(by=landlord_admin, reason="Service jamais ouvert.")
    assert refresh(later()) == "historique mensuel : 1 commune recalculée"
    assert_table_is_the_replay()
    assert clos_active(scene)[month_start(months_ago(2))] == 2


def test_a_dwelling_with_two_active_subscriptions_counts_once(scene, landlord, operator2):
    """A second contract over Clos Gaultier: #2 active under both from two months ago, #4 active under
    the second one only; #1 under the second one from the day its first subscription is suspended."""
    second = contract(tender(landlord, [scene.clos], "contracted", "AO-CLOS-2"), operator2, start=months_ago(4, day=1))
    clos = scene.lodgings["clos"]
    subscribe(second, clos[2], ("active", months_ago(2)))
    subscribe(second, clos[4], ("active", months_ago(2)), ("suspended", months_ago(1)))
    subscribe(second, clos[1], ("active", months_ago(1, day=15)))
    refresh(later())
    assert_table_is_the_replay()
    active = clos_active(scene)
    assert active[month_start(months_ago(2))] == 4  # #1, #2 (once), #4, #5
    assert active[month_start(months_ago(1))] == 2  # #1 (under the second contract), #2


def test_a_dwelling_that_leaves_the_stock_no_longer_counts_as_active(scene):
    scene.lodgings["clos"][2].leave_stock(reason=ExitReason.DEMOLISHED, on=months_ago(2, day=20))
    refresh(later())
    assert_table_is_the_replay()
    assert clos_active(scene)[month_start(months_ago(2))] == 2


def test_an_operator_replays_only_the_subscriptions_of_its_contracts(scene, landlord, operator, operator2):
    second = contract(tender(landlord, [scene.clos], "contracted", "AO-CLOS-2"), operator2, start=months_ago(4, day=1))
    subscribe(second, scene.lodgings["clos"][4], ("active", months_ago(2)))
    state = HistoryState.objects.get()
    where = "l.commune = '86214'"
    mine = "s.contract_id IN (SELECT c.id FROM operators_contract c WHERE c.operator_id = %(operator)s)"
    rows = {
        pk: {
            r["month"]: r["active"]
            for r in live_monthly(
                first=state.first_month,
                last=state.last_month,
                where=where,
                params={"operator": pk},
                subscriptions_where=mine,
            )
        }
        for pk in (operator.pk, operator2.pk)
    }
    assert rows[operator.pk][month_start(months_ago(2))] == 3
    assert rows[operator2.pk][month_start(months_ago(2))] == 1
    refresh(later())
    assert_table_is_the_replay()
    stored = {(r.operator_id, r.month): r.active for r in MonthlyOperatorActive.objects.filter(residence=scene.clos)}
    assert stored[(operator.pk, month_start(months_ago(2)))] == 3
    assert stored[(operator2.pk, month_start(months_ago(2)))] == 1


@pytest.mark.parametrize(
    ("day", "expected"),
    [(datetime.date(2026, 1, 31), datetime.date(2025, 12, 1)), (datetime.date(2026, 3, 1), datetime.date(2026, 2, 1))],
)
def test_last_closed_month(day, expected):
    assert last_closed_month(day) == expected
