"""Stock fixtures, and tiny spreadsheets written by the tests themselves."""

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from leases.demo import seed_qpv
from leases.models import Qpv

# The smallest RPLS extract: the required columns and a few optional ones.
HEADER = ["IDENT_REP", "DEPCOM", "CODEPOSTAL", "LIBCOM", "NUMVOIE", "TYPVOIE", "NOMVOIE", "IMMEU", "PLG_QP24"]


def lodging_row(n, **overrides):
    """A valid row of HEADER: dwelling n of Les Tilleuls, in Trois Cités."""
    row = {
        "IDENT_REP": f"08600{n:05d}",
        "DEPCOM": "86194",
        "CODEPOSTAL": "86000",
        "LIBCOM": "Poitiers",
        "NUMVOIE": "12",
        "TYPVOIE": "RUE",
        "NOMVOIE": "DES TROIS CITES",
        "IMMEU": "LES TILLEULS",
        "PLG_QP24": "QN08604M",
    }
    row.update(overrides)
    return row


def xlsx_bytes(rows, sheet_title="RPLS"):
    """rows: lists of cell values, the header first."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, delimiter=";", encoding="utf-8"):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def table(dicts, header=None):
    """Dict rows -> [header, *rows] (lists) for xlsx_bytes and csv_bytes."""
    header = header or list(dicts[0])
    return [header, *[[row.get(name, "") for name in header] for row in dicts]]


@pytest.fixture
def qpvs(db):
    """The six Vienne QPV of the demo referential."""
    seed_qpv()
    return {qpv.code: qpv for qpv in Qpv.objects.all()}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def spreadsheet(tmp_path):
    """spreadsheet(rows, name="extrait.xlsx") -> path of an xlsx or csv written from rows."""

    def write(rows, name="extrait.xlsx", **options):
        path = tmp_path / name
        if name.endswith(".csv"):
            path.write_bytes(csv_bytes(rows, **options))
        else:
            path.write_bytes(xlsx_bytes(rows, **options))
        return path

    return write


@pytest.fixture
def lodging_file(spreadsheet):
    """lodging_file(count or list of dict rows, name=...) -> path of an RPLS extract."""

    def write(rows=3, name="extrait.xlsx", header=None):
        if isinstance(rows, int):
            rows = [lodging_row(n) for n in range(1, rows + 1)]
        return spreadsheet(table(rows, header or HEADER), name)

    return write
