"""One reader for the spreadsheets people upload: `.xlsx` (python-calamine) and `.csv`.

Every import of the project goes through here (dwellings, leases, equipment; later the
operators' reports), so that all of them refuse the same bad files with the same French
messages and number lines the way a spreadsheet does (the header is line 1).

Safety, before any cell is parsed:
- a size limit on the file itself (IMPORT_MAX_BYTES), an empty file refused;
- a file must be what its name says (a CSV is text, an `.xlsx` is an Office Open XML
  spreadsheet: checked on the magic bytes and on `[Content_Types].xml`);
- `.xlsx` is a zip: its declared sizes are checked first (IMPORT_MAX_UNCOMPRESSED_BYTES in
  all, IMPORT_MAX_COMPRESSION_RATIO per large member: a zip bomb is refused before anything
  is inflated), then every XML part is inflated as a stream whose CRC Python verifies (a
  member that lies about its size fails there) and scanned for `<!DOCTYPE`/`<!ENTITY` (an
  XML bomb is refused; no spreadsheet needs a DTD). The few small XML parts we read
  ourselves (content types, workbook, relationships) are parsed with defusedxml only.

Memory: python-calamine loads a whole sheet at once, about 450 MB for 100,000 rows of 70
columns. The sheet part is therefore handed to calamine in slices of whole `<row>`
elements, each inside a small zip with the workbook's shared strings and styles, so that
reading 100,000 dwellings stays far below the 500 MB the benchmark allows. calamine still
parses every cell; we only cut the zip member between rows.
"""

import codecs
import csv
import datetime
import io
import posixpath
import re
import sys
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

import python_calamine
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.conf import settings

EXTENSIONS = (".xlsx", ".csv")
XLSX_MAIN_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
)
# Slices of the sheet XML handed to calamine: ~8,700 rows of 70 columns, ~150 MB at most in memory
# (calamine and the rows in Python); 32 MB slices gain 2 % of time for 140 MB more (benchmark).
SLICE_BYTES = 16 * 1024 * 1024
READ_BYTES = 4 * 1024 * 1024
CSV_BLOCK_ROWS = 5_000
LARGE_MEMBER = 1024 * 1024  # below this, a member's compression ratio is not looked at
NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
NS_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"


class SpreadsheetError(Exception):
    """The file as a whole is refused; the message is French and meant for the person who sent it."""


@dataclass(frozen=True)
class Column:
    """A column an import reads, found by name whatever its case, spaces or accents."""

    name: str
    required: bool = False
    aliases: tuple = ()


def header_key(name):
    """'Ident rep ', 'ident_rep' and 'IDENT_REP' are the same column; so are 'Début' and 'DEBUT'."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def _megabytes(size):
    return f"{size / (1024 * 1024):.0f} Mo" if size >= 1024 * 1024 else f"{max(size // 1024, 1)} ko"


# ---------------------------------------------------------------------------------------------
# Opening a file


class Sheet:
    """The first visible sheet of a workbook, or a CSV file, read block by block.

    `blocks()` yields (lines, rows): a few thousand rows at a time, each a list aligned on
    `header`, with its spreadsheet line (header = line 1 when it is in the first row; fully
    empty rows are skipped but still counted). `rows()` yields them one by one.
    """

    def __init__(self, file_name, header, header_line, blocks, total_rows=None):
        self.file_name = file_name
        self.header = header
        self.header_line = header_line
        self._blocks = blocks
        # Data rows announced by the file (the xlsx <dimension>, the CSV's line count):
        # for progress bars only, never trusted for anything else.
        self.total_rows = total_rows
        self.closers = []

    def bind(self, columns):
        """{column name: index in a row} for the columns present; missing required ones refused."""
        positions = {}
        for index, name in enumerate(self.header):
            key = header_key(name)
            if key and key in positions:
                raise SpreadsheetError(f"La colonne « {name} » apparaît deux fois dans la ligne d'en-tête.")
            if key:
                positions[key] = index
        bound, missing = {}, []
        for column in columns:
            for candidate in (column.name, *column.aliases):
                if header_key(candidate) in positions:
                    bound[column.name] = positions[header_key(candidate)]
                    break
            else:
                if column.required:
                    missing.append(column.name)
        if missing:
            plural = "s" if len(missing) > 1 else ""
            raise SpreadsheetError(
                f"Colonne{plural} obligatoire{plural} absente{plural} : {', '.join(missing)}. "
                "La première ligne du fichier doit contenir les noms des colonnes."
            )
        return bound

    def blocks(self):
        width = len(self.header)
        try:
            for lines, rows in self._blocks:
                # Rows shorter than the header (CSV, or Excel's trailing empty cells) are padded.
                if rows and min(map(len, rows)) < width:
                    rows = [row + [""] * (width - len(row)) if len(row) < width else row for row in rows]
                yield lines, rows
        finally:
            for close in self.closers:
                close()

    def rows(self):
        for lines, rows in self.blocks():
            yield from zip(lines, rows, strict=True)

    def close(self):
        """Release the file (also when the rows were not all read, e.g. a column was missing)."""
        self._blocks.close()
        for close in self.closers:
            close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def open_sheet(source, file_name):
    """Open an uploaded or local spreadsheet (path or binary file object) for reading.

    Raises SpreadsheetError with a French message when the file is refused.
    """
    suffix = Path(file_name).suffix.lower()
    if suffix not in EXTENSIONS:
        if suffix in (".xls", ".ods", ".xlsm", ".xlsb"):
            raise SpreadsheetError(
                f"Le format « {suffix} » n'est pas accepté : enregistrez le fichier au format Excel (.xlsx) "
                "ou CSV (.csv) depuis votre tableur."
            )
        raise SpreadsheetError("Seuls les fichiers Excel (.xlsx) et CSV (.csv) sont acceptés.")
    owned = isinstance(source, str | Path)
    fileobj = open(source, "rb") if owned else source  # noqa: SIM115 (closed once read, below)
    try:
        sheet = _open(fileobj, file_name, suffix)
    except BaseException:
        if owned:
            fileobj.close()
        raise
    if owned:
        sheet.closers.append(fileobj.close)
    return sheet


def _open(fileobj, file_name, suffix):
    fileobj.seek(0, io.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(0)
    if size == 0:
        raise SpreadsheetError("Le fichier est vide.")
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        raise SpreadsheetError(
            f"Le fichier est trop volumineux ({_megabytes(size)}) : la limite est de {_megabytes(limit)}. "
            "Découpez-le en plusieurs fichiers."
        )
    magic = fileobj.read(8)
    fileobj.seek(0)
    if suffix == ".xlsx":
        return _open_xlsx(fileobj, file_name, size, magic)
    return _open_csv(fileobj, file_name, magic)


def _sheet(file_name, blocks, total_rows):
    """The header is the first non-empty row; the blocks go on after it."""
    lines = rows = None
    for block in blocks:
        lines, rows = block
        if rows:
            break
    if not rows:
        raise SpreadsheetError("Le fichier est vide : aucune ligne d'en-tête.")
    line, header = lines[0], rows[0]
    header = [str(value).strip() if value is not None else "" for value in header]
    # Trailing unnamed columns (a formatted but empty column in Excel) are dropped.
    while header and not header[-1]:
        header.pop()

    def remaining():
        if len(rows) > 1:
            yield lines[1:], rows[1:]
        yield from blocks

    total = max(total_rows - line, 0) if total_rows else None
    return Sheet(file_name, header, line, remaining(), total)


# ---------------------------------------------------------------------------------------------
# CSV


def _open_csv(fileobj, file_name, magic):
    if magic.startswith(b"PK\x03\x04"):
        raise SpreadsheetError(
            "Ce fichier est un classeur Excel et non un CSV : renommez-le en .xlsx ou enregistrez-le au format CSV."
        )
    if magic.startswith((b"\xd0\xcf\x11\xe0", b"%PDF")):
        raise SpreadsheetError("Ce fichier n'est pas un fichier CSV (texte) : enregistrez-le au format CSV.")
    encoding, lines = _csv_encoding(fileobj)
    text = io.TextIOWrapper(fileobj, encoding=encoding, newline="")
    first = text.readline()
    delimiter = _delimiter(first)
    text.seek(0)
    reader = csv.reader(text, delimiter=delimiter)

    def blocks():
        lines, rows = [], []
        try:
            for line, values in enumerate(reader, start=1):
                if "".join(values).strip():
                    lines.append(line)
                    rows.append(values)
                    if len(rows) == CSV_BLOCK_ROWS:
                        yield lines, rows
                        lines, rows = [], []
        except csv.Error as error:
            raise SpreadsheetError(
                f"Le fichier CSV est mal formé près de la ligne {reader.line_num} ({error})."
            ) from None
        finally:
            text.detach()  # the caller's file stays open: closing it is the caller's business
        if rows:
            yield lines, rows

    return _sheet(file_name, blocks(), lines)


def _csv_encoding(fileobj):
    """UTF-8 (with or without BOM) when the whole file decodes so, else Windows-1252; the line count."""
    lines = 0
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    for block in iter(lambda: fileobj.read(READ_BYTES), b""):
        if b"\x00" in block:
            raise SpreadsheetError("Ce fichier n'est pas un fichier CSV (texte) : enregistrez-le au format CSV.")
        lines += block.count(b"\n")
        if utf8:
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    fileobj.seek(0)
    if utf8:
        return "utf-8-sig", lines + 1
    decoder = codecs.getincrementaldecoder("cp1252")()
    try:
        for block in iter(lambda: fileobj.read(READ_BYTES), b""):
            decoder.decode(block)
    except UnicodeDecodeError:
        raise SpreadsheetError(
            "L'encodage du fichier CSV n'est pas reconnu : enregistrez-le en UTF-8 ou en Windows-1252 "
            "(« CSV (séparateur : point-virgule) » dans Excel)."
        ) from None
    fileobj.seek(0)
    return "cp1252", lines + 1


def _delimiter(first_line):
    """';' (Excel in French), ',' or tab: the one the header line uses most, outside quotes."""
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {sep: unquoted.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ";"


# ---------------------------------------------------------------------------------------------
# XLSX


_NOT_XLSX = "Ce fichier n'est pas un classeur Excel (.xlsx) valide"


def _open_xlsx(fileobj, file_name, size, magic):
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError(
            "Ce fichier est au format Excel 97-2003 (.xls) ou protégé par un mot de passe : "
            "enregistrez-le au format .xlsx sans mot de passe, ou en CSV."
        )
    if not magic.startswith(b"PK\x03\x04"):
        raise SpreadsheetError(f"{_NOT_XLSX} : s'agit-il d'un fichier CSV renommé ? Gardez alors l'extension .csv.")
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise SpreadsheetError(f"{_NOT_XLSX} (archive illisible ou incomplète).") from None
    try:
        _check_declared_sizes(archive, size)
        parts = _workbook_parts(archive)
    except SpreadsheetError:
        archive.close()
        raise
    return _sheet(file_name, _xlsx_blocks(archive, parts), parts["total_rows"])


def _check_declared_sizes(archive, compressed_size):
    """Refuse a zip bomb from the central directory alone, before inflating anything."""
    infos = archive.infolist()
    if len(infos) > 10_000:
        raise SpreadsheetError(f"{_NOT_XLSX} (trop de fichiers dans l'archive).")
    total = sum(info.file_size for info in infos)
    limit = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    if total > limit:
        raise SpreadsheetError(
            f"Le classeur décompressé serait trop volumineux ({_megabytes(total)}, limite {_megabytes(limit)}) : "
            "il est refusé par sécurité (bombe de décompression). Découpez-le en plusieurs fichiers."
        )
    ratio = settings.IMPORT_MAX_COMPRESSION_RATIO
    for info in infos:
        if info.file_size > LARGE_MEMBER and info.file_size > ratio * max(info.compress_size, 1):
            raise SpreadsheetError(
                "Le classeur est anormalement compressé (plus de "
                f"{ratio} fois) : il est refusé par sécurité (bombe de décompression)."
            )
    if any(info.flag_bits & 0x1 for info in infos):
        raise SpreadsheetError(f"{_NOT_XLSX} (contenu chiffré) : retirez le mot de passe.")


class _DtdScanner:
    """Refuses any `<!DOCTYPE` or `<!ENTITY` in a stream of XML bytes (XML bomb, external entity)."""

    def __init__(self, name):
        self.name = name
        self.tail = None

    def feed(self, data):
        if self.tail is None:
            self.tail = b""
            if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4]:
                raise SpreadsheetError(f"{_NOT_XLSX} (encodage XML inattendu dans {self.name}).")
        self._scan(self.tail + data[:16])  # a declaration cut between two blocks
        self._scan(data)
        self.tail = data[-16:]

    @staticmethod
    def _scan(block):
        start = block.find(b"<!")
        while start != -1:
            word = block[start + 2 : start + 12].lstrip().upper()
            if word.startswith((b"DOCTYPE", b"ENTITY")):
                raise SpreadsheetError(
                    "Le classeur contient des déclarations XML (DOCTYPE ou ENTITY) qu'aucun tableur n'écrit : "
                    "il est refusé par sécurité. Ouvrez-le et enregistrez-le à nouveau depuis votre tableur."
                )
            start = block.find(b"<!", start + 2)


def _read_member(archive, name):
    """A whole member, inflated as a stream: CRC verified, DTD refused, size bounded by the directory."""
    scanner = _DtdScanner(name)
    chunks = []
    try:
        with archive.open(name) as member:
            for block in iter(lambda: member.read(READ_BYTES), b""):
                scanner.feed(block)
                chunks.append(block)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError, ValueError):
        raise SpreadsheetError(f"{_NOT_XLSX} (archive corrompue : {name}).") from None
    return b"".join(chunks)


def _parse(archive, name):
    try:
        return SafeET.fromstring(_read_member(archive, name), forbid_dtd=True)
    except DefusedXmlException:
        raise SpreadsheetError(
            "Le classeur contient des déclarations XML (DOCTYPE ou ENTITY) : il est refusé par sécurité."
        ) from None
    except SafeET.ParseError:
        raise SpreadsheetError(f"{_NOT_XLSX} ({name} illisible).") from None


def _part_path(base, target):
    """A relationship target, relative to the part that declares it, as a zip member name."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _workbook_parts(archive):
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names:
        raise SpreadsheetError(f"{_NOT_XLSX} : c'est une archive zip, pas un classeur.")
    types = _parse(archive, "[Content_Types].xml")
    main = None
    for override in types.iter(f"{NS_TYPES}Override"):
        if override.get("ContentType") in XLSX_MAIN_TYPES:
            main = override.get("PartName", "").lstrip("/")
    if main is None or main not in names:
        raise SpreadsheetError(f"{_NOT_XLSX} : c'est un document Office, mais pas un classeur Excel.")
    workbook = _parse(archive, main)
    rels_name = posixpath.join(posixpath.dirname(main), "_rels", posixpath.basename(main) + ".rels")
    if rels_name not in names:
        raise SpreadsheetError(f"{_NOT_XLSX} (relations du classeur absentes).")
    rels = {}
    for rel in _parse(archive, rels_name).iter(f"{NS_PKG_REL}Relationship"):
        rels[rel.get("Id")] = (rel.get("Type", "").rsplit("/", 1)[-1], _part_path(main, rel.get("Target", "")))
    sheets = [
        (sheet.get("name"), sheet.get(f"{NS_REL}id"), sheet.get("state", "visible"))
        for sheet in workbook.iter(f"{NS_MAIN}sheet")
    ]
    visible = [(index, name, rid) for index, (name, rid, state) in enumerate(sheets) if state == "visible"]
    if not visible:
        raise SpreadsheetError("Le classeur ne contient aucune feuille visible.")
    index, sheet_name, rid = visible[0]
    kind, sheet_path = rels.get(rid, ("", ""))
    if kind != "worksheet" or sheet_path not in names:
        raise SpreadsheetError(
            f"La première feuille du classeur (« {sheet_name} ») n'est pas un tableau de données : "
            "placez les données dans la première feuille."
        )
    # What calamine needs besides the sheet: the workbook, its relations, shared strings, styles.
    keep = {"[Content_Types].xml", main, rels_name}
    keep.update(path for kind, path in rels.values() if kind in ("sharedStrings", "styles") and path in names)
    if "_rels/.rels" in names:
        keep.add("_rels/.rels")
    small = {name: _read_member(archive, name) for name in sorted(keep)}
    return {"small": small, "sheet_path": sheet_path, "index": index, "total_rows": None} | _dimension(
        archive, sheet_path
    )


def _dimension(archive, sheet_path):
    """The row count the sheet announces (<dimension ref="A1:BR100001"/>), for progress only."""
    try:
        with archive.open(sheet_path) as member:
            head = member.read(4096)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise SpreadsheetError(f"{_NOT_XLSX} (archive corrompue : {sheet_path}).") from None
    match = re.search(rb'<(?:\w+:)?dimension\s+ref="[A-Z]+\d+:[A-Z]+(\d+)"', head)
    return {"total_rows": int(match.group(1)) if match else None}


def _sheet_slices(archive, sheet_path):
    """The sheet XML as well-formed documents of whole rows: prologue + rows + closing tags."""
    scanner = _DtdScanner(sheet_path)
    prefix = end_row = close = None
    pieces, pending = [], 0
    try:
        with archive.open(sheet_path) as member:
            for block in iter(lambda: member.read(READ_BYTES), b""):
                scanner.feed(block)
                pieces.append(block)
                pending += len(block)
                if prefix is None:
                    data = b"".join(pieces)
                    match = re.search(rb"<((?:\w+:)?)sheetData\b[^>]*?(/?)>", data)
                    if not match:
                        if pending > READ_BYTES * 4:
                            raise SpreadsheetError(f"{_NOT_XLSX} (feuille sans données lisibles).")
                        pieces = [data]
                        continue
                    if match.group(2):  # <sheetData/>: no rows at all
                        return
                    ns = match.group(1)
                    prefix = data[: match.end()]
                    end_row, close = b"</" + ns + b"row>", b"</" + ns + b"sheetData></" + ns + b"worksheet>"
                    pieces = [data[match.end() :]]
                    pending = len(pieces[0])
                if pending >= SLICE_BYTES:
                    data = b"".join(pieces)
                    cut = data.rfind(end_row)
                    if cut == -1:
                        pieces = [data]
                        continue
                    cut += len(end_row)
                    yield b"".join((prefix, memoryview(data)[:cut], close))
                    pieces = [data[cut:]]
                    pending = len(pieces[0])
                    del data
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise SpreadsheetError(f"{_NOT_XLSX} (archive corrompue : {sheet_path}).") from None
    if prefix is None:
        raise SpreadsheetError(f"{_NOT_XLSX} (feuille sans données lisibles).")
    data = b"".join(pieces)
    cut = data.rfind(end_row)
    if cut != -1:
        yield b"".join((prefix, memoryview(data)[: cut + len(end_row)], close))


CALAMINE_ERRORS = (
    python_calamine.CalamineError,
    python_calamine.XmlError,
    python_calamine.ZipError,
    python_calamine.PasswordError,
    python_calamine.WorksheetNotFound,
)


def _calamine_message(error):
    if isinstance(error, python_calamine.PasswordError):
        return "Le classeur est protégé par un mot de passe : retirez-le puis déposez le fichier à nouveau."
    if isinstance(error, python_calamine.ZipError):
        return f"{_NOT_XLSX} (archive corrompue)."
    if isinstance(error, python_calamine.XmlError):
        return f"{_NOT_XLSX} (contenu XML mal formé)."
    if isinstance(error, python_calamine.WorksheetNotFound):
        return "La première feuille du classeur est introuvable."
    return f"{_NOT_XLSX} : le tableur n'a pas pu le lire."


def _xlsx_blocks(archive, parts):
    try:
        for xml in _sheet_slices(archive, parts["sheet_path"]):
            # The slice goes to calamine through a temporary file rather than memory: calamine
            # streams a file from disk, but would hold a second copy of an in-memory one.
            with tempfile.NamedTemporaryFile(suffix=".xlsx") as slice_file:
                with zipfile.ZipFile(slice_file, "w", zipfile.ZIP_STORED) as piece:
                    for name, data in parts["small"].items():
                        piece.writestr(name, data)
                    piece.writestr(parts["sheet_path"], xml)
                del xml
                slice_file.flush()
                try:
                    with python_calamine.CalamineWorkbook.from_path(slice_file.name) as workbook:
                        sheet = workbook.get_sheet_by_index(parts["index"])
                        start = sheet.start
                        values = sheet.to_python(skip_empty_area=True) if start else []
                        del sheet
                except CALAMINE_ERRORS as error:
                    raise SpreadsheetError(_calamine_message(error)) from None
            if not values:
                continue
            first_line, pad = start[0] + 1, [""] * start[1]
            if pad:
                values = [pad + row for row in values]
            width = len(values[0])
            lines = [first_line + offset for offset, row in enumerate(values) if row.count("") != width]
            if len(lines) != len(values):
                values = [row for row in values if row.count("") != width]
            yield lines, values
            del values, lines  # before the next slice is parsed: only one slice in memory at a time
    finally:
        archive.close()


# ---------------------------------------------------------------------------------------------
# Cells: what a spreadsheet hands us (str, float, int, bool, date, datetime) to clean values.
# Each raises ValueError with a French reason; the import adds line, column and value.


def cell_text(value):
    """Text as typed: numbers Excel stored as numbers come back as they were typed (12.0 -> '12')."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() else value.strftime("%d/%m/%Y")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def cell_code(value, width):
    """A code that may have lost its leading zeros in Excel: digits shorter than `width` are padded.

    '1053' or 1053.0 -> '01053' (INSEE); '2A004' stays as it is.
    """
    text = value.strip() if value.__class__ is str else cell_text(value)
    if text.isdigit() and len(text) < width:
        return text.zfill(width)
    return text


_DECIMAL_SPACES = str.maketrans("", "", " \u00a0\u202f'")


def cell_decimal(value, places=2):
    """A number with a decimal comma or point ('45,5', '1 234,50', 45.5), rounded to `places`."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("nombre attendu")
    if isinstance(value, int | float):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        text = str(value).strip().translate(_DECIMAL_SPACES).replace(",", ".")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError("nombre attendu (par exemple 45,5)") from None
    if not number.is_finite():
        raise ValueError("nombre attendu (par exemple 45,5)")
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def cell_int(value):
    """A whole number ('3', 3.0); 3.5 is refused."""
    if value.__class__ is float and value.is_integer():
        return int(value)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("nombre entier attendu")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("nombre entier attendu")
        return int(value)
    text = str(value).strip().translate(_DECIMAL_SPACES)
    if not text:
        return None
    if re.fullmatch(r"-?\d+([.,]0*)?", text):
        return int(re.split(r"[.,]", text)[0])
    raise ValueError("nombre entier attendu")


_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")


def cell_date(value):
    """A date from a date cell or as text (31/12/2024, 2024-12-31); an Excel serial number too."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # a date cell whose format was lost: Excel's serial number
            return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value))
        raise ValueError("date attendue (jj/mm/aaaa)")
    text = str(value).strip()
    if not text:
        return None
    text = text.split(" ")[0].split("T")[0]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError("date attendue (jj/mm/aaaa)")


# ---------------------------------------------------------------------------------------------
# Columns: the same rules over a whole block at once. An import of 100,000 rows converts two
# million cells; the fast paths below do the common case (every cell of the column clean) in
# C loops, and give up (None) at the first odd cell so that the cell-by-cell converter, the
# single source of the rules and their messages, handles the block.


def convert_column(values, convert, fast=None):
    """(clean values, [(offset, raw value, reason)]) for one column of a block."""
    if fast is not None:
        result = fast(values)
        if result is not None:
            return result, []
    try:
        return list(map(convert, values)), []
    except ValueError:
        pass
    clean, errors = [], []
    for offset, value in enumerate(values):
        try:
            clean.append(convert(value))
        except ValueError as error:
            clean.append(None)
            errors.append((offset, value, str(error)))
    return clean, errors


def _all_text(values):
    return set(map(type, values)) == {str}


def fast_text(max_length, required=False):
    """Text cells only, none too long (nor empty when required): stripped and interned."""

    def fast(values):
        if not _all_text(values):
            return None
        stripped = list(map(str.strip, values))
        lengths = list(map(len, stripped))
        if max(lengths) > max_length or (required and min(lengths) == 0):
            return None
        return list(map(sys.intern, stripped))

    return fast


def fast_code(width, pattern, intern=True):
    """Text codes already `width` long (no zero to restore) matching `pattern`."""

    def fast(values):
        if not _all_text(values):
            return None
        stripped = list(map(str.strip, values))
        if min(map(len, stripped)) < width or not all(map(pattern.fullmatch, stripped)):
            return None
        return list(map(sys.intern, stripped)) if intern else stripped

    return fast


def fast_int(lowest, highest):
    """Numeric cells holding whole numbers within bounds (empty cells allowed)."""

    def fast(values):
        kinds = set(map(type, values))
        if not kinds <= {float, int, str}:
            return None
        numbers = [value for value in values if value != ""] if str in kinds else values
        if str in kinds and set(map(type, numbers)) - {float, int}:
            return None
        if numbers and (min(numbers) < lowest or max(numbers) > highest):
            return None
        if float in kinds and not all(map(float.is_integer, [n for n in numbers if n.__class__ is float])):
            return None
        return [None if value == "" else int(value) for value in values] if str in kinds else list(map(int, values))

    return fast


def fast_decimal(places, lowest, highest):
    """Numeric cells within bounds (exclusive), rounded to `places` as cell_decimal does."""
    quantum = Decimal(1).scaleb(-places)

    def fast(values):
        if set(map(type, values)) != {float}:
            return None
        if min(values) <= lowest or max(values) >= highest:
            return None
        cache = {}
        out = []
        for value in values:
            number = cache.get(value)
            if number is None:
                number = cache[value] = Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)
            out.append(number)
        return out

    return fast
