"""An operator's report: a spreadsheet of IDENT_REP, status and effective date (and the box's serial
number, and a reason for a suspension) for the dwellings of its contract.

The same rules as the stock imports (leases/imports.py), through the same reader
(leases/spreadsheets.py): every row is checked and every error counted, the first ones listed in
French with line, column and value; then all or nothing. A dwelling outside the contract is an
error, with the same words whether it belongs to another contract or does not exist at all (an
operator learns nothing of other operators' dwellings).

Applying is set-based (a few statements whatever the size): 100,000 lines in benchmarks/rollout.py.
"""

import unicodedata
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from leases.bulk import insert_rows
from leases.models import EquipmentEvent, EquipmentStatus, Lodging
from leases.models import EventSource as StockSource
from leases.spreadsheets import Column, SpreadsheetError, cell_code, cell_date, cell_text, open_sheet
from operators.models import Contract

from .models import (
    WITH_BOX,
    EventSource,
    OperatorReport,
    Subscription,
    SubscriptionEvent,
    SubscriptionStatus,
    status_change_error,
)

MAX_LISTED_ERRORS = 100
IDENT_REP, STATUS, DATE, SERIAL, REASON = "IDENT_REP", "STATUT", "DATE_EFFET", "NUMERO_SERIE", "MOTIF"
COLUMNS = [
    Column(IDENT_REP, required=True),
    Column(STATUS, required=True, aliases=("STATUS", "ETAT")),
    Column(DATE, required=True, aliases=("DATE D'EFFET", "DATE", "EFFECTIVE_DATE")),
    Column(SERIAL, aliases=("NUMERO DE SERIE", "SERIE", "SERIAL", "BOX")),
    Column(REASON, aliases=("RAISON", "REASON")),
]
OUTSIDE = "ce logement n'est pas dans le périmètre de votre marché"


def _word(text):
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(text.replace("_", " ").split())


STATUS_WORDS = {
    _word(word): status
    for status, words in {
        SubscriptionStatus.INSTALLED: ["installé", "installe", "installed", "installée"],
        SubscriptionStatus.ACTIVE: ["actif", "active", "activé", "en service", "actif (service ouvert)"],
        SubscriptionStatus.SUSPENDED: ["suspendu", "suspended", "suspension"],
        SubscriptionStatus.TERMINATED: ["résilié", "resilie", "terminé", "terminated", "résiliation"],
    }.items()
    for word in words
}


class Errors:
    """Every error counted, the first MAX_LISTED_ERRORS kept, in line order."""

    def __init__(self):
        self.count = 0
        self.listed = []

    def add(self, line, column, value, message):
        self.count += 1
        if len(self.listed) < MAX_LISTED_ERRORS:
            self.listed.append({"line": line, "column": column, "value": cell_text(value)[:100], "message": message})

    def __bool__(self):
        return self.count > 0


@dataclass
class Outcome:
    report: OperatorReport | None = None
    error_count: int = 0
    errors: list = field(default_factory=list)

    @property
    def ok(self):
        return self.report is not None


@dataclass
class Line:
    line: int
    rpls_id: str
    status: str
    day: object
    serial: str
    reason: str


def read_lines(upload, file_name, errors):
    """The rows of the file as Lines (those with errors left out, the errors counted)."""
    lines, seen = [], {}
    with open_sheet(upload, file_name) as sheet:
        positions = sheet.bind(COLUMNS)

        def cell(row, name):
            index = positions.get(name)
            return row[index] if index is not None and index < len(row) else ""

        for number, row in sheet.rows():
            raw_id, raw_status, raw_date = cell(row, IDENT_REP), cell(row, STATUS), cell(row, DATE)
            rpls_id = cell_code(raw_id, 10)
            status = STATUS_WORDS.get(_word(cell_text(raw_status)))
            serial, reason = cell_text(cell(row, SERIAL)), cell_text(cell(row, REASON))
            bad = False
            if not rpls_id:
                errors.add(number, IDENT_REP, raw_id, "identifiant obligatoire")
                bad = True
            elif rpls_id in seen:
                errors.add(number, IDENT_REP, raw_id, f"ce logement figure déjà ligne {seen[rpls_id]}")
                bad = True
            else:
                seen[rpls_id] = number
            if status is None:
                errors.add(number, STATUS, raw_status, "statut inconnu (installé, actif, suspendu ou résilié)")
                bad = True
            try:
                day = cell_date(raw_date)
                if day is None:
                    raise ValueError("date obligatoire (jj/mm/aaaa)")
            except ValueError as error:
                errors.add(number, DATE, raw_date, str(error))
                bad = True
            if len(serial) > 40:
                errors.add(number, SERIAL, serial, "numéro de série trop long (40 caractères au plus)")
                bad = True
            if len(reason) > 300:
                errors.add(number, REASON, reason, "motif trop long (300 caractères au plus)")
                bad = True
            if status == SubscriptionStatus.SUSPENDED and not reason:
                errors.add(number, REASON, reason, "motif obligatoire pour une suspension")
                bad = True
            if not bad:
                lines.append(Line(number, rpls_id, status, day, serial, reason))
    return lines


def apply_report(*, contract, upload, file_name, by):
    """Check the operator's file and, if every line is right, apply it; Outcome either way."""
    errors = Errors()
    try:
        lines = read_lines(upload, file_name, errors)
    except SpreadsheetError as error:
        return Outcome(error_count=1, errors=[{"line": None, "column": "", "value": "", "message": str(error)}])
    if not lines and not errors:
        return Outcome(
            error_count=1,
            errors=[{"line": None, "column": "", "value": "", "message": "Le fichier ne contient aucune ligne."}],
        )
    with transaction.atomic():
        # One report at a time per contract: the statuses checked below are those the report builds on.
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        changes, unchanged = _check_against_contract(contract, lines, errors)
        if errors:
            errors.listed.sort(key=lambda e: (e["line"] or 0, e["column"]))
            return Outcome(error_count=errors.count, errors=errors.listed)
        report = OperatorReport.objects.create(
            contract=contract,
            file_name=file_name[:255],
            uploaded_by=by,
            line_count=len(lines),
            changed_count=len(changes),
            unchanged_count=unchanged,
        )
        report.equipped_count = _write(report, changes, by)
        report.save(update_fields=["equipped_count"])
    return Outcome(report=report)


def _check_against_contract(contract, lines, errors):
    """(changes [(Line, subscription id, lodging id, needs a box)], unchanged count)."""
    current = {
        rpls_id: (pk, lodging_id, status, since)
        for pk, lodging_id, rpls_id, status, since in Subscription.objects.filter(contract=contract).values_list(
            "pk", "lodging_id", "lodging__rpls_id", "status", "status_date"
        )
    }
    today = timezone.localdate()
    changes, unchanged = [], 0
    for line in lines:
        found = current.get(line.rpls_id)
        if found is None:
            errors.add(line.line, IDENT_REP, line.rpls_id, OUTSIDE)
            continue
        pk, lodging_id, status, since = found
        if line.status == status:
            unchanged += 1
            continue
        problem = status_change_error(
            current=status, since=since, new=line.status, day=line.day, contract=contract, today=today
        )
        if problem:
            on_status = problem[0] == "status"
            value = SubscriptionStatus(line.status).label if on_status else f"{line.day:%d/%m/%Y}"
            errors.add(line.line, STATUS if on_status else DATE, value, problem[1])
            continue
        changes.append((line, pk, lodging_id, status == SubscriptionStatus.PLANNED and line.status in WITH_BOX))
    return changes, unchanged


def _write(report, changes, by):
    """Write the changes with leases.bulk (COPY on PostgreSQL), then recompute the statuses."""
    now = timezone.now()
    user_id = getattr(by, "pk", None)
    boxes = [(line, lodging_id) for line, _, lodging_id, needs_box in changes if needs_box]
    insert_rows(
        EquipmentEvent,
        ["lodging", "status", "effective_date", "recorded_at", "recorded_by", "source", "contest_reason"],
        (
            (lodging_id, EquipmentStatus.BOX.value, line.day, now, user_id, StockSource.OPERATOR.value, "")
            for line, lodging_id in boxes
        ),
    )
    # The boxes just written, found back by their shared timestamp (one report per contract at a time).
    box_of = dict(
        EquipmentEvent.objects.filter(
            recorded_at=now, source=StockSource.OPERATOR, lodging__landlord_id=report.contract.landlord_id
        ).values_list("lodging_id", "pk")
    )
    insert_rows(
        SubscriptionEvent,
        [
            "subscription",
            "status",
            "effective_date",
            "recorded_at",
            "recorded_by",
            "source",
            "report",
            "line",
            "reason",
            "box_serial",
            "equipment_event",
            "contest_reason",
        ],
        (
            (
                pk,
                line.status,
                line.day,
                now,
                user_id,
                EventSource.OPERATOR_REPORT.value,
                report.pk,
                line.line,
                line.reason,
                line.serial,
                box_of.get(lodging_id) if needs_box else None,
                "",
            )
            for line, pk, lodging_id, needs_box in changes
        ),
    )
    _take_statuses(report)
    if boxes:
        # IN (SELECT …) rather than EXISTS: the set is read once, not once per row of the table.
        equipped = EquipmentEvent.objects.filter(subscription_event__report=report).values("lodging_id")
        Lodging.objects.filter(pk__in=equipped).refresh_equipment()
    return len(boxes)


def _take_statuses(report):
    """Each touched subscription takes its line's status: the line is its latest effective event (the
    check refused any date before the current status, and the line was recorded last), so this one
    UPDATE … FROM gives what Subscription.refresh_status() would, without replaying 100,000 histories."""
    subscriptions, events = Subscription._meta.db_table, SubscriptionEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {subscriptions} SET status = line.status, status_date = line.effective_date, "
            f"box_serial = CASE WHEN line.box_serial <> '' THEN line.box_serial ELSE {subscriptions}.box_serial END "
            f"FROM {events} line WHERE line.report_id = %s AND line.subscription_id = {subscriptions}.id",
            [report.pk],
        )
