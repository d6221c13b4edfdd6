"""The monthly history table (MonthlyStock) against a plain replay of the dated events.

The oracle below is written independently of monitoring/history.py: for each dwelling and each
month end, is it still in the stock, and what does its latest effective event on or before that day
say? Every test changes the data the way the apps do, refreshes as run_deadlines would, and
compares the whole table.
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
    subscription_spans,
)
from monitoring.models import HistoryState, MonthlyStock

from .factories import months_ago


def replay(first, last):
    """{(month, landlord_id, commune, qpv_id): (dwellings, equipped, outlet)}, month by month, in Python."""
    events = {}
    for event in EquipmentEvent.objects.filter(contested_at__isnull=True).order_by(
        "effective_date", "recorded_at", "pk"
    ):
        events.setdefault(event.lodging_id, []).append(event)
    result = Counter()
    month = first
    while month <= last:
        day = month_end(month)
        for lodging in Lodging.objects.all():
            gone = lodging.exit_reason and (lodging.exited_on is None or lodging.exited_on <= day)
            if gone:
                continue
            status = EquipmentStatus.NONE
            for event in events.get(lodging.pk, []):
                if event.effective_date <= day:
                    status = event.status
            key = (month, lodging.landlord_id, lodging.commune, lodging.qpv_id)
            result[key + ("dwellings",)] += 1
            result[key + ("equipped",)] += status == EquipmentStatus.BOX
            result[key + ("outlet",)] += status in (EquipmentStatus.BOX, EquipmentStatus.OUTLET)
        month = add_months(month, 1)
    keys = {k[:4] for k in result}
    return {k: (result[k + ("dwellings",)], result[k + ("equipped",)], result[k + ("outlet",)]) for k in keys}


def table():
    return {
        (row.month, row.landlord_id, row.commune, row.qpv_id): (row.dwellings, row.equipped, row.outlet)
        for row in MonthlyStock.objects.all()
    }


def assert_table_is_the_replay():
    state = HistoryState.objects.get()
    assert table() == replay(state.first_month, state.last_month)


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
    assert table()[(month_start(months_ago(2)), scene.tilleuls.landlord_id, "86194", scene.trois_cites.pk)][1] == 3


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
    assert {(r["month"], r["qkey"], "d"): r["dwellings"] for r in live} | {
        (r["month"], r["qkey"], "e"): r["equipped"] for r in live
    } == dict(stored)


def test_subscriptions_are_not_tracked_yet():
    assert subscription_spans() is None


@pytest.mark.parametrize(
    ("day", "expected"),
    [(datetime.date(2026, 1, 31), datetime.date(2025, 12, 1)), (datetime.date(2026, 3, 1), datetime.date(2026, 2, 1))],
)
def test_last_closed_month(day, expected):
    assert last_closed_month(day) == expected
