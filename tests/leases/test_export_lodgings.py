"""`export_lodgings --landlord SIREN --output FILE.xlsx`, and the round trip export → import."""

import datetime
import io
from decimal import Decimal
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from leases.exports import template_xlsx
from leases.imports import LODGING_SPECS, check_file
from leases.models import EquipmentStatus, ExitReason, ImportKind, Lodging
from tests.leases.factories import LodgingFactory, ResidenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied_stock(landlord, qpvs):
    """Dwellings with every field set, odd values included: leading zeros, decimals, formula-like text."""
    residence = ResidenceFactory(
        landlord=landlord, name="LES TILLEULS", group_key="LES TILLEULS|01053", commune="01053"
    )
    other = ResidenceFactory(landlord=landlord, name="12 RUE X", group_key="12 RUE X|86194")
    lodgings = [
        LodgingFactory(
            residence=residence,
            rpls_id="0010001234",
            internal_id="=HYPERLINK(1)",
            commune="01053",
            postcode="01000",
            commune_name="Bourg-en-Bresse",
            street_number="12",
            repetition="B",
            street_type="RUE",
            street_name="DE L'ÉGLISE",
            building="A",
            building_name="LES TILLEULS",
            entrance="1",
            floor="-1",
            staircase="02",
            flat="007",
            qpv=qpvs["QN08604M"],
            construction_type="C",
            rooms=3,
            living_area=Decimal("63.55"),
            construction_year=1972,
            financing="PLUS",
        ),
        LodgingFactory(residence=other, rpls_id="0860000002", street_number="12", street_type="RUE", street_name="X"),
    ]
    lodgings[0].record_equipment(status=EquipmentStatus.BOX, effective_date=datetime.date(2024, 5, 2), by=None)
    LodgingFactory(residence=other, rpls_id="0860000003", exit_reason=ExitReason.SOLD)
    return lodgings


def export(landlord, path, *extra):
    out = StringIO()
    call_command("export_lodgings", "--landlord", landlord.siren, "--output", str(path), *extra, stdout=out)
    return out.getvalue()


def test_export_writes_rpls_columns_and_the_equipment(landlord, varied_stock, tmp_path):
    path = tmp_path / "parc.xlsx"
    assert "2 logements" in export(landlord, path)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0] == (*[spec.column.name for spec in LODGING_SPECS], "EQUIPEMENT", "DATE_EQUIPEMENT")
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (first["IDENT_REP"], first["DEPCOM"], first["CODEPOSTAL"], first["PLG_QP24"]) == (
        "0010001234",
        "01053",
        "01000",
        "QN08604M",
    )
    assert (first["EQUIPEMENT"], first["DATE_EQUIPEMENT"].date()) == ("Box installée", datetime.date(2024, 5, 2))
    assert dict(zip(rows[0], rows[2], strict=True))["PLG_QP24"] == "HZ"


def test_text_that_looks_like_a_formula_is_written_as_text(landlord, varied_stock, tmp_path):
    path = tmp_path / "parc.xlsx"
    export(landlord, path)
    sheet = openpyxl.load_workbook(path).active
    cell = sheet.cell(row=2, column=2)
    assert (cell.value, cell.data_type) == ("=HYPERLINK(1)", "s")


def test_export_then_import_changes_nothing(landlord, varied_stock, tmp_path):
    path = tmp_path / "parc.xlsx"
    export(landlord, path)
    outcome = check_file(ImportKind.LODGINGS, landlord, path, path.name)
    assert outcome.ok, outcome.errors
    assert (outcome.created, outcome.updated, outcome.unchanged, outcome.absent) == (0, 0, 2, 0)
    assert outcome.preview["ignored"] == ["EQUIPEMENT", "DATE_EQUIPEMENT"]
    equipment = check_file(ImportKind.EQUIPMENT, landlord, path, path.name)
    assert (equipment.created, equipment.unchanged) == (0, 2)


def test_import_of_its_own_export_into_an_empty_stock_gives_the_same_dwellings(
    landlord, landlord2, varied_stock, tmp_path
):
    """What the export says is all the import needs: moved to another landlord, every field is equal."""
    path = tmp_path / "parc.xlsx"
    export(landlord, path)
    fields = [spec.field for spec in LODGING_SPECS]
    before = list(Lodging.objects.filter(landlord=landlord).in_stock().order_by("rpls_id").values_list(*fields))
    Lodging.objects.filter(landlord=landlord).delete()
    out = StringIO()
    call_command("import_lodgings", str(path), "--landlord", landlord2.siren, stdout=out)
    after = list(Lodging.objects.filter(landlord=landlord2).order_by("rpls_id").values_list(*fields))
    assert after == before


def test_all_includes_dwellings_that_left_the_stock(landlord, varied_stock, tmp_path):
    assert "3 logements" in export(landlord, tmp_path / "parc.xlsx", "--all")


def test_output_must_be_xlsx(landlord, tmp_path):
    with pytest.raises(CommandError, match=r"\.xlsx"):
        export(landlord, tmp_path / "parc.csv")


def test_unknown_landlord_is_refused(tmp_path):
    with pytest.raises(CommandError, match="Aucun bailleur"):
        call_command("export_lodgings", "--landlord", "732829320", "--output", str(tmp_path / "p.xlsx"))


@pytest.mark.parametrize("kind", ImportKind.values)
def test_blank_template_has_the_columns_an_example_and_a_notice(kind):
    workbook = openpyxl.load_workbook(io.BytesIO(template_xlsx(kind)))
    data, notice = workbook.worksheets
    rows = list(data.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[0][0] == "IDENT_REP" and rows[1][0] == "0860001234"
    assert notice.title == "Notice" and notice.max_row == len(rows[0]) + 1


def test_lodging_template_imports_as_it_is(landlord, qpvs, tmp_path):
    path = tmp_path / "modele.xlsx"
    path.write_bytes(template_xlsx(ImportKind.LODGINGS))
    outcome = check_file(ImportKind.LODGINGS, landlord, path, path.name)
    assert outcome.ok, outcome.errors
    assert outcome.created == 1
