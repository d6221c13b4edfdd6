"""The spreadsheet reader every import uses: what it accepts, and each file it refuses."""

import datetime
import io
import zipfile

import pytest

from leases import spreadsheets
from leases.spreadsheets import (
    Column,
    SpreadsheetError,
    cell_code,
    cell_date,
    cell_decimal,
    cell_int,
    open_sheet,
)
from tests.leases.conftest import csv_bytes, xlsx_bytes

COLUMNS = [Column("IDENT_REP", required=True), Column("DEPCOM", required=True), Column("SURFHAB")]


def read(data, name="extrait.xlsx"):
    sheet = open_sheet(io.BytesIO(data), name)
    return sheet, list(sheet.rows())


def replace_member(data, name, content):
    """The same xlsx with one zip member replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info.filename))
        target.writestr(name, content)
    return out.getvalue()


def refused(data, name, match):
    with pytest.raises(SpreadsheetError, match=match):
        sheet = open_sheet(io.BytesIO(data), name)
        list(sheet.rows())


# What it reads


def test_xlsx_rows_come_with_their_spreadsheet_line():
    sheet, rows = read(xlsx_bytes([["IDENT_REP", "DEPCOM"], ["0860000001", "86194"], [], ["0860000003", "86041"]]))
    assert sheet.header == ["IDENT_REP", "DEPCOM"]
    assert rows == [(2, ["0860000001", "86194"]), (4, ["0860000003", "86041"])]


def test_xlsx_read_in_several_slices_gives_the_same_rows_and_lines(monkeypatch):
    data = xlsx_bytes([["IDENT_REP", "N"], *[[f"{n:010d}", n] for n in range(1, 2001)]])
    monkeypatch.setattr(spreadsheets, "SLICE_BYTES", 4096)
    monkeypatch.setattr(spreadsheets, "READ_BYTES", 1024)
    sheet = open_sheet(io.BytesIO(data), "extrait.xlsx")
    blocks = list(sheet.blocks())
    assert len(blocks) > 10
    rows = [row for lines, block in blocks for row in zip(lines, block, strict=True)]
    assert rows == [(n + 1, [f"{n:010d}", float(n)]) for n in range(1, 2001)]


def test_xlsx_data_away_from_a1_keeps_its_columns_and_lines():
    data = xlsx_bytes([[], [None, "IDENT_REP", "DEPCOM"], [None, "0860000001", "86194"]])
    sheet, rows = read(data)
    assert sheet.header_line == 2
    assert sheet.bind(COLUMNS[:2]) == {"IDENT_REP": 1, "DEPCOM": 2}
    assert rows == [(3, ["", "0860000001", "86194"])]


def test_xlsx_first_visible_sheet_is_read():
    import openpyxl

    workbook = openpyxl.Workbook()
    hidden = workbook.active
    hidden.title = "Ancien"
    hidden.append(["AUTRE"])
    hidden.sheet_state = "hidden"
    workbook.create_sheet("Parc").append(["IDENT_REP"])
    workbook["Parc"].append(["0860000001"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet, rows = read(buffer.getvalue())
    assert sheet.header == ["IDENT_REP"]
    assert rows == [(2, ["0860000001"])]


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_separator_is_sniffed(delimiter):
    sheet, rows = read(csv_bytes([["IDENT_REP", "DEPCOM"], ["0860000001", "01053"]], delimiter=delimiter), "f.csv")
    assert sheet.header == ["IDENT_REP", "DEPCOM"]
    assert rows == [(2, ["0860000001", "01053"])]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_in_utf8_with_or_without_bom_or_windows_1252(encoding):
    data = csv_bytes([["IDENT_REP", "LIBCOM"], ["0860000001", "Saint-Benoît œuvre"]], encoding=encoding)
    sheet, rows = read(data, "f.csv")
    assert sheet.header == ["IDENT_REP", "LIBCOM"]  # no BOM left on the first name
    assert rows == [(2, ["0860000001", "Saint-Benoît œuvre"])]


def test_csv_quoted_field_on_two_lines_is_one_spreadsheet_line():
    data = b'IDENT_REP;NOMVOIE\r\n0860000001;"RUE\r\nDES LILAS"\r\n0860000002;X\r\n'
    _, rows = read(data, "f.csv")
    assert [line for line, _ in rows] == [2, 3]


def test_headers_match_whatever_their_case_spaces_or_accents():
    sheet, _ = read(
        csv_bytes([[" ident_rep ", "Dep Com", "surfhab", "COLONNE INCONNUE"], ["1", "2", "3", "4"]]), "f.csv"
    )
    assert sheet.bind(COLUMNS) == {"IDENT_REP": 0, "DEPCOM": 1, "SURFHAB": 2}


def test_an_alias_finds_the_column():
    sheet, _ = read(csv_bytes([["IDENT_REP", "QPV_CODE"], ["1", "HZ"]]), "f.csv")
    assert sheet.bind([Column("PLG_QP24", aliases=("QPV_CODE",))]) == {"PLG_QP24": 1}


def test_missing_required_columns_are_named():
    sheet, _ = read(csv_bytes([["SURFHAB", "AUTRE"], ["1", "2"]]), "f.csv")
    with pytest.raises(SpreadsheetError, match="Colonnes obligatoires absentes : IDENT_REP, DEPCOM"):
        sheet.bind(COLUMNS)


def test_a_column_twice_in_the_header_is_refused():
    sheet, _ = read(csv_bytes([["IDENT_REP", "ident rep"], ["1", "2"]]), "f.csv")
    with pytest.raises(SpreadsheetError, match="apparaît deux fois"):
        sheet.bind(COLUMNS)


# Cells


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1053, "01053"), (1053.0, "01053"), ("1053", "01053"), ("01053", "01053"), ("2A004", "2A004"), ("", "")],
)
def test_codes_get_back_the_leading_zeros_excel_stripped(value, expected):
    assert cell_code(value, 5) == expected


def test_an_id_read_as_a_number_becomes_text_again():
    assert cell_code(1234567.0, 10) == "0001234567"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("45,5", "45.50"), ("1 234,5", "1234.50"), (45.5, "45.50"), ("45.555", "45.56"), (63, "63.00"), ("", None)],
)
def test_decimals_accept_a_decimal_comma(value, expected):
    result = cell_decimal(value)
    assert (str(result) if result is not None else None) == expected


def test_a_decimal_that_is_no_number_is_refused():
    with pytest.raises(ValueError, match="nombre attendu"):
        cell_decimal("quarante")


@pytest.mark.parametrize(("value", "expected"), [("3", 3), (3.0, 3), ("3,0", 3), ("", None)])
def test_whole_numbers(value, expected):
    assert cell_int(value) == expected


def test_a_fraction_is_no_whole_number():
    with pytest.raises(ValueError, match="entier"):
        cell_int(3.5)


@pytest.mark.parametrize(
    "value",
    ["31/12/2024", "2024-12-31", datetime.date(2024, 12, 31), datetime.datetime(2024, 12, 31, 0, 0), 45657.0],
)
def test_dates_from_cells_or_text(value):
    assert cell_date(value) == datetime.date(2024, 12, 31)


def test_a_date_that_is_no_date_is_refused():
    with pytest.raises(ValueError, match="jj/mm/aaaa"):
        cell_date("bientôt")


# What it refuses, each with its French reason


@pytest.mark.parametrize("name", ["vide.xlsx", "vide.csv"])
def test_empty_file_is_refused(name):
    refused(b"", name, "Le fichier est vide")


def test_csv_with_no_line_at_all_is_refused():
    refused(b"\r\n;;\r\n", "f.csv", "aucune ligne d'en-tête")


def test_file_over_the_size_limit_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 1000
    refused(b"IDENT_REP\r\n" + b"0860000001\r\n" * 100, "f.csv", "trop volumineux")


@pytest.mark.parametrize("name", ["parc.ods", "parc.txt", "parc"])
def test_other_extensions_are_refused(name):
    refused(b"IDENT_REP\r\n1\r\n", name, "(\\.xlsx|n'est pas accepté)")


def test_csv_named_xlsx_is_refused():
    refused(b"IDENT_REP;DEPCOM\r\n0860000001;86194\r\n", "extrait.xlsx", "n'est pas un classeur Excel")


def test_xlsx_named_csv_is_refused():
    refused(xlsx_bytes([["IDENT_REP"]]), "extrait.csv", "est un classeur Excel et non un CSV")


def test_binary_named_csv_is_refused():
    refused(b"%PDF-1.7 \x00\x01\x02", "extrait.csv", "n'est pas un fichier CSV")


def test_old_excel_or_password_protected_file_is_refused():
    refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "extrait.xlsx", "Excel 97-2003")


def test_word_document_named_xlsx_is_refused():
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument'
            '.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<document/>")
    refused(docx.getvalue(), "extrait.xlsx", "pas un classeur Excel")


def test_plain_zip_named_xlsx_is_refused():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("photo.jpg", b"\xff\xd8")
    refused(archive.getvalue(), "extrait.xlsx", "archive zip, pas un classeur")


def test_truncated_xlsx_is_refused():
    refused(xlsx_bytes([["IDENT_REP"], ["1"]])[:300], "extrait.xlsx", "n'est pas un classeur Excel")


def test_csv_in_an_unknown_encoding_is_refused():
    refused(b"IDENT_REP;LIBCOM\r\n1;\x81\x8d\x90\r\n", "f.csv", "encodage du fichier CSV")


def test_zip_bomb_refused_on_its_declared_size(settings):
    """A member that inflates to more than the limit is refused before anything is inflated."""
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024
    data = replace_member(xlsx_bytes([["IDENT_REP"], ["1"]]), "xl/media/image1.png", b"\0" * (3 * 1024 * 1024))
    refused(data, "extrait.xlsx", "bombe de décompression")


def test_zip_bomb_refused_on_its_compression_ratio():
    data = replace_member(xlsx_bytes([["IDENT_REP"], ["1"]]), "xl/media/image1.png", b"\0" * (20 * 1024 * 1024))
    assert len(data) < 100_000  # 20 MB inside a few kilobytes
    refused(data, "extrait.xlsx", "anormalement compressé")


def test_zip_member_lying_about_its_size_is_refused():
    """The central directory says the sheet is tiny; inflating it fails the CRC: refused, never read."""
    data = bytearray(xlsx_bytes([["IDENT_REP"], *[[f"{n:010d}"] for n in range(200)]]))
    name = b"xl/worksheets/sheet1.xml"
    entry = data.index(b"PK\x01\x02")  # the central directory entries, one per member
    while data[entry + 46 : entry + 46 + len(name)] != name:
        entry = data.index(b"PK\x01\x02", entry + 4)
    data[entry + 24 : entry + 28] = (200).to_bytes(4, "little")  # declared uncompressed size
    refused(bytes(data), "extrait.xlsx", "archive corrompue")


BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>IDENT_REP</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol3;</t></is></c></row>'
    "</sheetData></worksheet>"
)


def test_xml_entities_in_the_sheet_are_refused():
    data = replace_member(xlsx_bytes([["IDENT_REP"]]), "xl/worksheets/sheet1.xml", BILLION_LAUGHS)
    refused(data, "extrait.xlsx", "DOCTYPE ou ENTITY")


def test_xml_entities_in_the_shared_strings_are_refused():
    strings = BILLION_LAUGHS.split("<worksheet")[0] + '<sst xmlns="x"><si><t>&lol3;</t></si></sst>'
    data = xlsx_bytes([["IDENT_REP"]])
    rels = zipfile.ZipFile(io.BytesIO(data)).read("xl/_rels/workbook.xml.rels").decode()
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rId99" Target="sharedStrings.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )
    data = replace_member(replace_member(data, "xl/_rels/workbook.xml.rels", rels), "xl/sharedStrings.xml", strings)
    refused(data, "extrait.xlsx", "DOCTYPE ou ENTITY")


def test_external_entity_in_the_workbook_is_refused():
    data = xlsx_bytes([["IDENT_REP"]])
    workbook = zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml").decode()
    workbook = '<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + workbook.split("?>")[-1]
    refused(replace_member(data, "xl/workbook.xml", workbook), "extrait.xlsx", "DOCTYPE ou ENTITY")


def test_malformed_sheet_xml_gets_a_french_message():
    data = replace_member(
        xlsx_bytes([["IDENT_REP"]]),
        "xl/worksheets/sheet1.xml",
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>IDENT_REP</c></row></sheetData></worksheet>',
    )
    refused(data, "extrait.xlsx", "contenu XML mal formé")
