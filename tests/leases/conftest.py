"""The stock of the fixed cast.

- Habitat du Clain (`landlord`) has « Les Tilleuls » (Poitiers, QPV Trois Cités, fibre deployed)
  with `lodging` (let under lease BAIL-TILLEULS-12) and `vacant_lodging`, and « Le Phare » in Brest
  (29019), outside Grand Poitiers: the city does not see it, the Brest outsider does.
- Logis de la Vienne (`landlord2`) has « Saint-Eloi » (Buxerolles, unmatched fibre) with `rival_lodging`.

Import tests write their own tiny spreadsheets (`spreadsheet`, `lodging_file`) over the `qpvs`
referential of the demo.
"""

import csv
import datetime
import io
from pathlib import Path

import openpyxl
import pytest

from leases.demo import seed_qpv
from leases.models import Qpv
from tests.leases.factories import LeaseFactory, LodgingFactory, QpvFactory, ResidenceFactory


@pytest.fixture
def trois_cites(db):
    return QpvFactory(code="QN08604M", name="Trois Cités", communes=["86194", "86214"])


@pytest.fixture
def residence(landlord, trois_cites):
    return ResidenceFactory(landlord=landlord, name="Les Tilleuls", qpv=trois_cites)


@pytest.fixture
def lodging(residence):
    lodging = LodgingFactory(residence=residence, rpls_id="8619400012", street_number="12")
    LeaseFactory(lodging=lodging, reference="BAIL-TILLEULS-12", start=datetime.date(2021, 3, 1))
    LeaseFactory(
        lodging=lodging, reference="BAIL-ANCIEN-12", start=datetime.date(2015, 1, 1), end=datetime.date(2021, 1, 31)
    )
    return lodging


@pytest.fixture
def vacant_lodging(residence):
    return LodgingFactory(residence=residence, rpls_id="8619400014", street_number="14")


@pytest.fixture
def brest_residence(landlord):
    return ResidenceFactory(
        landlord=landlord,
        name="Le Phare",
        address="RUE DE SIAM",
        commune="29019",
        commune_name="Brest",
        postcode="29200",
        qpv=None,
    )


@pytest.fixture
def brest_lodging(brest_residence):
    return LodgingFactory(residence=brest_residence, rpls_id="2901900001", street_name="DE SIAM")


@pytest.fixture
def rival_residence(landlord2):
    return ResidenceFactory(
        landlord=landlord2,
        name="Saint-Eloi",
        address="RUE SAINT ELOI",
        commune="86041",
        commune_name="Buxerolles",
        postcode="86180",
        qpv=None,
        unmatched=True,
    )


@pytest.fixture
def rival_lodging(rival_residence):
    return LodgingFactory(residence=rival_residence, rpls_id="8604100001", street_name="SAINT ELOI")


@pytest.fixture
def stock(lodging, vacant_lodging, brest_lodging, rival_lodging):
    """Every dwelling of the fixtures above."""
    return {"lodging": lodging, "vacant": vacant_lodging, "brest": brest_lodging, "rival": rival_lodging}


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
