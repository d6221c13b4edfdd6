"""The housing stock month by month, replayed from the dated equipment events (never today's snapshot).

A dwelling counts at the end of month M when it was still in the stock that day (not sold or
demolished: `exited_on` after M) and, for "equipped", when its latest effective event on or before
that day (by effective date, then recording time, then id: the order Lodging.refresh_equipment
uses) says "box". Contested events do not count.

How it is computed, set-based (one SQL statement per table, PostgreSQL and SQLite alike): each
dwelling gives "spans" of time, [start, stop): one span in the stock (from ever to its exit), one per equipment
event (from its effective date to the next event's, cut at the exit). A span counts at the end of
month M when it starts on or before that day and stops after it, i.e. +1 in the month it starts and
-1 in the month it stops. Summing these deltas per group and month, then a running total over the
months, gives every month at once, in time proportional to the events, not to dwellings × months.

Active subscriptions are one more kind of span: each subscription's dated events (subscriptions'
SubscriptionEvent, contested ones left out, in the order Subscription.refresh_status uses) give the
stretches it is active, cut at the dwelling's exit. A dwelling may hold two subscriptions at once
(one per contract, when a new contract starts before the old one's end is reported): their
stretches are merged per dwelling first, so that it counts once, as the dashboards count it today.

Where it is kept: MonthlyStock holds the closed months (up to last month), per residence and QPV;
MonthlyOperatorActive the same months' active subscriptions of each operator's own contracts (the
same replay, the stretches merged per dwelling and operator). The current month is always read
live (Lodging.equipment_status, Subscription.status) by the dashboards. `refresh(now)`, run by
`manage.py run_deadlines` (monitoring/deadlines.py), keeps the tables right:
- the first time, and then every night (first run after 3 a.m.), everything is rebuilt;
- when a month closes, that month is added;
- at most every 10 minutes, the communes where something that changes the past happened in the
  last hour (an equipment or subscription event recorded or contested with an effective date in a
  closed month, a dwelling created or changed: QPV, landlord, exit) are recomputed. The hour of
  overlap catches the transactions that committed after the previous check had started.
What timestamps cannot show (a row deleted, a QuerySet.update() that does not touch
`updated_at`, a dwelling moved to another commune, whose old commune keeps it) is put right by
the nightly rebuild. tests/monitoring/test_history.py checks the table against a plain replay.
"""

import datetime

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from leases.models import EquipmentEvent, EquipmentStatus, Lodging
from operators.models import Contract
from subscriptions.models import Subscription, SubscriptionEvent, SubscriptionStatus

from .models import HistoryState, MonthlyOperatorActive, MonthlyStock

HISTORY_MONTHS = 36  # kept from the first rebuild on; the table then grows by one month a month
CHECK_EVERY = datetime.timedelta(minutes=10)
LOOKBACK = datetime.timedelta(hours=1)
REBUILD_HOUR = 3
FAR_PAST = datetime.date(1900, 1, 1)  # a dwelling that left the stock at an unknown date


def month_start(day):
    return day.replace(day=1)


def add_months(month, count):
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(month):
    return add_months(month, 1) - datetime.timedelta(days=1)


def months_between(first, last):
    months, month = [], first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def last_closed_month(today):
    return add_months(month_start(today), -1)


def subscription_ctes(where="1 = 1", *, per_operator=False):
    """The CTEs giving `sub_spans`: per dwelling of `lod` (and `owner`: the operator with
    `per_operator`, else 0), the stretches [start_on, stop_on) during which at least one of its
    subscriptions (of that operator's contracts) is active; stop_on NULL: still active.

    `where` narrows the subscriptions (alias `s`).
    """
    events, subscriptions, contracts = (
        SubscriptionEvent._meta.db_table,
        Subscription._meta.db_table,
        Contract._meta.db_table,
    )
    owner, join = ("c.operator_id", f"JOIN {contracts} c ON c.id = s.contract_id") if per_operator else ("0", "")
    return f"""
    sev AS (
        SELECT s.lodging_id, {owner} AS owner, e.status, e.effective_date AS start_on,
               LEAD(e.effective_date) OVER (
                   PARTITION BY e.subscription_id ORDER BY e.effective_date, e.recorded_at, e.id
               ) AS next_on
        FROM {events} e JOIN {subscriptions} s ON s.id = e.subscription_id {join}
        WHERE e.contested_at IS NULL AND ({where}) AND s.lodging_id IN (SELECT id FROM lod)
    ),
    sub_active AS (
        SELECT sev.lodging_id, sev.owner, sev.start_on,
               CASE WHEN sev.next_on IS NULL THEN lod.gone
                    WHEN lod.gone IS NULL OR sev.next_on < lod.gone THEN sev.next_on
                    ELSE lod.gone END AS stop_on
        FROM sev JOIN lod ON lod.id = sev.lodging_id
        WHERE sev.status = '{SubscriptionStatus.ACTIVE}'
    ),
    sub_points AS (
        SELECT lodging_id, owner, start_on AS on_day, 1 AS delta
        FROM sub_active WHERE stop_on IS NULL OR stop_on > start_on
        UNION ALL
        SELECT lodging_id, owner, stop_on, -1 FROM sub_active WHERE stop_on > start_on
    ),
    sub_running AS (
        SELECT lodging_id, owner, on_day, delta,
               SUM(delta) OVER (
                   PARTITION BY lodging_id, owner ORDER BY on_day ROWS UNBOUNDED PRECEDING
               ) AS open_after
        FROM (
            SELECT lodging_id, owner, on_day, SUM(delta) AS delta FROM sub_points GROUP BY lodging_id, owner, on_day
        ) d
    ),
    sub_edges AS (
        SELECT lodging_id, owner, on_day, open_after
        FROM sub_running WHERE (open_after > 0) <> (open_after - delta > 0)
    ),
    sub_spans AS (
        SELECT lodging_id, owner, on_day AS start_on,
               LEAD(on_day) OVER (PARTITION BY lodging_id, owner ORDER BY on_day) AS stop_on, open_after
        FROM sub_edges
    ),"""


def equipment_ctes():
    """The CTEs giving `ev_spans`: per dwelling of `lod`, the stretches its latest equipment event
    says "box" (eq = 1) or "outlet" (eq = 0), cut at its exit."""
    return f"""
    ev AS (
        SELECT e.lodging_id, e.status, e.effective_date AS start_on,
               LEAD(e.effective_date) OVER (
                   PARTITION BY e.lodging_id ORDER BY e.effective_date, e.recorded_at, e.id
               ) AS next_on
        FROM {EquipmentEvent._meta.db_table} e
        WHERE e.contested_at IS NULL AND e.lodging_id IN (SELECT id FROM lod)
    ),
    ev_spans AS (
        SELECT ev.lodging_id, CASE WHEN ev.status = '{EquipmentStatus.BOX}' THEN 1 ELSE 0 END AS eq, ev.start_on,
               CASE WHEN ev.next_on IS NULL THEN lod.gone
                    WHEN lod.gone IS NULL OR ev.next_on < lod.gone THEN ev.next_on
                    ELSE lod.gone END AS stop_on
        FROM ev JOIN lod ON lod.id = ev.lodging_id
        WHERE ev.status IN ('{EquipmentStatus.BOX}', '{EquipmentStatus.OUTLET}')
    ),"""


def _sql_date(value):
    # SQLite stores dates as ISO text: pass text, as Django does (no implicit adapter).
    return value if connection.vendor == "postgresql" else value.isoformat()


def _month_of(column):
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def _clamped_month(column):
    """The month a delta lands in: the month of `column`, or the first month kept when earlier."""
    return f"CASE WHEN {column} IS NULL OR {column} < %(first)s THEN %(first)s ELSE {_month_of(column)} END"


LODGING_COLUMNS = ("landlord_id", "residence_id", "qkey", "commune")
STOCK_GROUPS = LODGING_COLUMNS
OPERATOR_GROUPS = ("owner", *LODGING_COLUMNS)


def replay_ctes(
    *, first, last, where="1 = 1", params=None, groups=("qkey",), subscriptions_where="1 = 1", per_operator=False
):
    """(sql, params) of the WITH clause whose last table, `grid`, gives per group and month from
    `first` to `last` (first days of months) the columns month, *groups, dwellings, equipped,
    outlet, active.

    `where` filters the dwellings (alias `l`, leases_lodging); `groups` are among landlord_id,
    residence_id, qkey (the QPV id, 0 outside any QPV), commune and, with `per_operator`, owner (the
    operator: only `active` is counted then, per operator); `subscriptions_where` narrows the
    subscriptions (alias `s`).
    """
    params = dict(params or {})
    months = months_between(first, last)
    params.update(first=_sql_date(first), last_end=_sql_date(month_end(last)), far_past=_sql_date(FAR_PAST))
    month_values = []
    for index, month in enumerate(months):
        params[f"m{index}"] = _sql_date(month)
        month_values.append(f"(%(m{index})s)")
    columns = ", ".join(LODGING_COLUMNS)
    lod_columns = ", ".join(f"lod.{c}" for c in LODGING_COLUMNS)
    group_cols = ", ".join(groups)
    join_on = " AND ".join(f"s.{g} = g.{g}" for g in groups)
    partition = ", ".join(f"g.{g}" for g in groups)
    stock_spans = ""
    if not per_operator:
        stock_spans = f"""
        UNION ALL
        SELECT {columns}, 0, 1, 0, 0, 0, CAST(NULL AS date), gone FROM lod
        UNION ALL
        SELECT {lod_columns}, 0, 0, ev_spans.eq, 1, 0, ev_spans.start_on, ev_spans.stop_on
        FROM ev_spans JOIN lod ON lod.id = ev_spans.lodging_id
        WHERE ev_spans.stop_on IS NULL OR ev_spans.stop_on > ev_spans.start_on"""
    sql = f"""
    WITH lod AS (
        SELECT l.id, l.landlord_id, l.residence_id, COALESCE(l.qpv_id, 0) AS qkey, l.commune,
               CASE WHEN l.exit_reason = '' THEN NULL ELSE COALESCE(l.exited_on, %(far_past)s) END AS gone
        FROM leases_lodging l
        WHERE {where}
    ),{"" if per_operator else equipment_ctes()}{subscription_ctes(subscriptions_where, per_operator=per_operator)}
    spans AS (
        SELECT {lod_columns}, sub_spans.owner, 0 AS dw, 0 AS eq, 0 AS ou, 1 AS ac,
               sub_spans.start_on, sub_spans.stop_on
        FROM sub_spans JOIN lod ON lod.id = sub_spans.lodging_id
        WHERE sub_spans.open_after > 0{stock_spans}
    ),
    deltas AS (
        SELECT {group_cols}, dw, eq, ou, ac, {_clamped_month("start_on")} AS month, 1 AS sign
        FROM spans WHERE start_on IS NULL OR start_on <= %(last_end)s
        UNION ALL
        SELECT {group_cols}, dw, eq, ou, ac, {_clamped_month("stop_on")}, -1
        FROM spans
        WHERE stop_on IS NOT NULL AND stop_on <= %(last_end)s AND (start_on IS NULL OR start_on <= %(last_end)s)
    ),
    sparse AS (
        SELECT {group_cols}, month,
               SUM(dw * sign) AS dw, SUM(eq * sign) AS eq, SUM(ou * sign) AS ou, SUM(ac * sign) AS ac
        FROM deltas GROUP BY {group_cols}, month
    ),
    grps AS (SELECT DISTINCT {group_cols} FROM sparse),
    months (month) AS (VALUES {", ".join(month_values)}),
    grid AS (
        SELECT {partition}, m.month,
               SUM(COALESCE(s.dw, 0)) OVER w AS dwellings,
               SUM(COALESCE(s.eq, 0)) OVER w AS equipped,
               SUM(COALESCE(s.ou, 0)) OVER w AS outlet,
               SUM(COALESCE(s.ac, 0)) OVER w AS active
        FROM grps g CROSS JOIN months m
        LEFT JOIN sparse s ON {join_on} AND s.month = m.month
        WINDOW w AS (PARTITION BY {partition} ORDER BY m.month ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
    )
    """
    return sql, params


def _in_list(column, values, prefix):
    params = {f"{prefix}{i}": value for i, value in enumerate(values)}
    return f"{column} IN ({', '.join(f'%({name})s' for name in params)})", params


def rebuild(first, last, *, communes=None):
    """Replace the rows of months [first, last] (of `communes` only, if given) by a fresh replay:
    MonthlyStock, then MonthlyOperatorActive."""
    stock = MonthlyStock.objects.filter(month__gte=first, month__lte=last)
    operators = MonthlyOperatorActive.objects.filter(month__gte=first, month__lte=last)
    where, params = "1 = 1", {}
    if communes is not None:
        communes = sorted(set(communes))
        if not communes:
            return
        stock, operators = stock.filter(commune__in=communes), operators.filter(commune__in=communes)
        where, params = _in_list("l.commune", communes, "c")
    stock.delete()
    operators.delete()
    # PostgreSQL and SQLite both accept "WITH … INSERT INTO … SELECT".
    ctes, stock_params = replay_ctes(first=first, last=last, where=where, params=params, groups=STOCK_GROUPS)
    stock_sql = (
        f"{ctes} INSERT INTO {MonthlyStock._meta.db_table} "
        "(month, landlord_id, residence_id, commune, qpv_id, dwellings, equipped, outlet, active) "
        "SELECT month, landlord_id, residence_id, commune, NULLIF(qkey, 0), dwellings, equipped, outlet, active "
        "FROM grid WHERE dwellings > 0"
    )
    ctes, operator_params = replay_ctes(
        first=first, last=last, where=where, params=params, groups=OPERATOR_GROUPS, per_operator=True
    )
    operator_sql = (
        f"{ctes} INSERT INTO {MonthlyOperatorActive._meta.db_table} "
        "(month, operator_id, landlord_id, residence_id, commune, qpv_id, active) "
        "SELECT month, owner, landlord_id, residence_id, commune, NULLIF(qkey, 0), active FROM grid WHERE active > 0"
    )
    with connection.cursor() as cursor:
        cursor.execute(stock_sql, stock_params)
        cursor.execute(operator_sql, operator_params)
        if communes is None:
            # Whole months rewritten: fresh statistics now, or the dashboards' plans would trust the
            # old ones (an empty table after a migration) until autovacuum comes by.
            cursor.execute(f"ANALYZE {MonthlyStock._meta.db_table}")
            cursor.execute(f"ANALYZE {MonthlyOperatorActive._meta.db_table}")


def live_monthly(*, first, last, where="1 = 1", params=None, groups=("qkey",), subscriptions_where="1 = 1"):
    """The same replay, read instead of stored: [{month, *groups, dwellings, equipped, outlet, active}]
    (the tests' cross-check, and the benchmark's "without the summary table")."""
    ctes, params = replay_ctes(
        first=first, last=last, where=where, params=params, groups=groups, subscriptions_where=subscriptions_where
    )
    sql = f"{ctes} SELECT month, {', '.join(groups)}, dwellings, equipped, outlet, active FROM grid WHERE dwellings > 0"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        if isinstance(row["month"], str):
            row["month"] = datetime.date.fromisoformat(row["month"])
    return rows


def dirty_communes(since, last_end):
    """Communes where something that changes a closed month happened since `since`."""
    changed = set(Lodging.objects.filter(updated_at__gte=since).values_list("commune", flat=True).distinct())
    events = EquipmentEvent.objects.filter(Q(recorded_at__gte=since) | Q(contested_at__gte=since))
    changed |= set(events.filter(effective_date__lte=last_end).values_list("lodging__commune", flat=True).distinct())
    statuses = SubscriptionEvent.objects.filter(Q(recorded_at__gte=since) | Q(contested_at__gte=since))
    changed |= set(
        statuses.filter(effective_date__lte=last_end)
        .values_list("subscription__lodging__commune", flat=True)
        .distinct()
    )
    return changed


def _nightly_rebuild_due(state, now):
    local = timezone.localtime(now)
    if state.rebuilt_at is None:
        return True
    return timezone.localtime(state.rebuilt_at).date() < local.date() and local.hour >= REBUILD_HOUR


@transaction.atomic
def refresh(now=None, *, full=False):
    """Bring MonthlyStock up to date (see the module docstring). Idempotent; returns a French summary
    of what was done, or None when nothing was to do."""
    now = now or timezone.now()
    closed = last_closed_month(timezone.localdate(now))
    state = HistoryState.objects.select_for_update().order_by("pk").first() or HistoryState.objects.create()
    if full or state.last_month is None or _nightly_rebuild_due(state, now):
        first = state.first_month or add_months(closed, -(HISTORY_MONTHS - 1))
        rebuild(first, closed)
        state.first_month, state.last_month = first, closed
        state.rebuilt_at = state.checked_at = now
        state.save()
        return f"historique mensuel recalculé ({first:%m/%Y} à {closed:%m/%Y})"
    done = []
    if state.checked_at is None or now - state.checked_at >= CHECK_EVERY:
        communes = dirty_communes((state.checked_at or now) - LOOKBACK, month_end(state.last_month))
        if communes:
            rebuild(state.first_month, state.last_month, communes=communes)
            plural = "s" if len(communes) > 1 else ""
            done.append(f"{len(communes)} commune{plural} recalculée{plural}")
        state.checked_at = now
    if closed > state.last_month:
        rebuild(add_months(state.last_month, 1), closed)
        done.append(f"mois de {closed:%m/%Y} ajouté")
        state.last_month = closed
    state.save()
    return "historique mensuel : " + ", ".join(done) if done else None


def history_state():
    return HistoryState.objects.order_by("pk").first()
