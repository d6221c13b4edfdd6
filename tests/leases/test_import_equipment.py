"""`import_equipment FILE --landlord SIREN`: dated equipment facts in bulk, the status derived again."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leases.imports import FOREIGN_ID, check_file
from leases.models import EquipmentEvent, EquipmentStatus, EventSource, ImportBatch, ImportKind
from tests.leases.factories import LodgingFactory

pytestmark = pytest.mark.django_db
HEADER = ["IDENT_REP", "EQUIPEMENT", "DATE_EQUIPEMENT"]


@pytest.fixture
def stock(landlord):
    return [LodgingFactory(residence__landlord=landlord, rpls_id=f"08600{n:05d}") for n in (1, 2, 3)]


def run(path, landlord):
    out = StringIO()
    call_command("import_equipment", str(path), "--landlord", landlord.siren, stdout=out)
    return out.getvalue()


@time_machine.travel(datetime.date(2025, 6, 1))
def test_events_are_recorded_with_their_batch_and_the_status_derived(landlord, stock, spreadsheet):
    path = spreadsheet(
        [HEADER, ["0860000001", "Box installée", "01/03/2025"], ["0860000002", "prise fibre", "2025-04-02"]]
    )
    assert "équipements enregistrés : 2" in run(path, landlord)
    batch = ImportBatch.objects.get(kind=ImportKind.EQUIPMENT)
    events = EquipmentEvent.objects.filter(batch=batch)
    assert events.count() == 2
    assert {event.source for event in events} == {EventSource.LANDLORD}
    for lodging in stock:
        lodging.refresh_from_db()
    assert (stock[0].equipment_status, stock[0].equipment_date) == (EquipmentStatus.BOX, datetime.date(2025, 3, 1))
    assert (stock[1].equipment_status, stock[1].equipment_date) == (EquipmentStatus.OUTLET, datetime.date(2025, 4, 2))
    assert stock[2].equipment_status == EquipmentStatus.NONE


@time_machine.travel(datetime.date(2025, 6, 1))
def test_the_status_a_dwelling_already_shows_is_unchanged(landlord, stock, spreadsheet):
    stock[0].record_equipment(status=EquipmentStatus.BOX, effective_date=datetime.date(2025, 3, 1), by=None)
    path = spreadsheet([HEADER, ["0860000001", "box", "01/03/2025"], ["0860000002", "Non équipé", ""]])
    out = run(path, landlord)
    assert "équipements enregistrés : 0" in out and "inchangés : 2" in out
    assert EquipmentEvent.objects.count() == 1


@time_machine.travel(datetime.date(2025, 6, 1))
def test_a_later_removal_is_recorded(landlord, stock, spreadsheet):
    stock[0].record_equipment(status=EquipmentStatus.BOX, effective_date=datetime.date(2025, 3, 1), by=None)
    run(spreadsheet([HEADER, ["0860000001", "Non équipé", "01/05/2025"]]), landlord)
    stock[0].refresh_from_db()
    assert (stock[0].equipment_status, stock[0].equipment_date) == (EquipmentStatus.NONE, None)


@time_machine.travel(datetime.date(2025, 6, 1))
def test_bad_rows_are_refused_and_nothing_recorded(landlord, landlord2, stock, spreadsheet):
    LodgingFactory(residence__landlord=landlord2, rpls_id="0860000009")
    rows = [
        HEADER,
        ["0860000001", "fibre optique", "01/03/2025"],
        ["0860000002", "box", "01/07/2025"],
        ["0860000003", "box", ""],
        ["0860000009", "box", "01/03/2025"],
        ["0860000001", "box", "01/03/2025"],
    ]
    outcome = check_file(ImportKind.EQUIPMENT, landlord, spreadsheet(rows), "equipement.xlsx")
    messages = [(error["line"], error["column"], error["message"].split(" (")[0]) for error in outcome.errors]
    assert messages == [
        (2, "EQUIPEMENT", "équipement inconnu"),
        (3, "DATE_EQUIPEMENT", "date dans le futur : seul un équipement en place compte"),
        (4, "DATE_EQUIPEMENT", "date obligatoire pour enregistrer un changement d'équipement"),
        (5, "IDENT_REP", FOREIGN_ID),
        (6, "IDENT_REP", "IDENT_REP en double : lignes 2 et 6."),
    ]
    with pytest.raises(CommandError, match="5 erreurs"):
        call_command("import_equipment", str(spreadsheet(rows)), "--landlord", landlord.siren, stderr=StringIO())
    assert not EquipmentEvent.objects.exists()


@time_machine.travel(datetime.date(2025, 6, 1))
def test_only_the_dwellings_of_the_batch_are_refreshed_by_primary_key(landlord, landlord2, stock, spreadsheet):
    """Not a correlated EXISTS over every dwelling of the database (benchmarks/import_lodgings.py)."""
    other = LodgingFactory(residence__landlord=landlord2, rpls_id="0860000009")
    path = spreadsheet([HEADER, ["0860000001", "box", "01/03/2025"]])
    with CaptureQueriesContext(connection) as queries:
        run(path, landlord)
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "leases_lodging"')]
    assert updates
    for sql in updates:
        where = outer_where(sql)
        assert "EXISTS" not in where and '"leases_lodging"."id" IN (SELECT' in where, sql
    other.refresh_from_db()
    assert other.equipment_status == EquipmentStatus.NONE


def outer_where(sql):
    """The statement's own WHERE clause (not a subquery's)."""
    depth = 0
    for index, char in enumerate(sql):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and sql.startswith(" WHERE ", index):
            return sql[index:]
    return ""
