"""A landlord's spreadsheets into the stock: dwellings (RPLS extract), leases, equipment.

Each import reads the file (leases/spreadsheets.py), checks every row and collects every
error (all counted, the first 100 listed with line, column, value and a French reason),
compares with the stock (created / updated / unchanged / absent from the file), and only
then writes, all or nothing, in one short transaction. Absent dwellings are listed, never
deleted: the landlord marks them as having left the stock on their own page.

Used by the web flow (leases/tasks.py: an uploaded file's batch, checked then applied) and by
the commands `import_lodgings`, `import_leases` and `import_equipment` (import_file).
"""

import datetime
import hashlib
import heapq
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from pathlib import Path

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import bulk
from .models import (
    ConstructionType,
    EquipmentEvent,
    EquipmentStatus,
    EventSource,
    ImportBatch,
    ImportKind,
    ImportState,
    Lease,
    Lodging,
    Qpv,
    Residence,
)
from .spreadsheets import (
    Column,
    SpreadsheetError,
    cell_code,
    cell_date,
    cell_decimal,
    cell_int,
    cell_text,
    convert_column,
    fast_code,
    fast_decimal,
    fast_int,
    fast_text,
    header_key,
    open_sheet,
)

MAX_LISTED_ERRORS = 100
CHUNK_ROWS = 5_000  # rows checked between two progress reports (and one query for foreign ids)
SAMPLES = 10
ABSENT_LISTED = 200
OUTSIDE_QPV = ("", "HZ")  # RPLS: "HZ" (hors zonage) or empty, outside any QPV
FOREIGN_ID = "Cet IDENT_REP appartient au parc d'un autre bailleur : il ne peut pas être importé dans le vôtre."


class ImportCancelled(Exception):
    """The landlord abandoned the import while it was being checked."""


class Errors:
    """Every error counted, the first MAX_LISTED_ERRORS kept for display, in line order."""

    def __init__(self):
        self.count = 0
        self.listed = []

    def add(self, line, column, value, message):
        self.count += 1
        if len(self.listed) < MAX_LISTED_ERRORS:
            self.listed.append({"line": line, "column": column, "value": cell_text(value)[:100], "message": message})

    def sorted(self):
        return sorted(self.listed, key=lambda error: (error["line"] or 0, error["column"]))


@dataclass
class Outcome:
    """What checking a file found; `plan` is what write() needs (never stored)."""

    kind: str
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    absent: int = 0
    error_count: int = 0
    errors: list = field(default_factory=list)
    preview: dict = field(default_factory=dict)
    plan: object = None

    @property
    def ok(self):
        return self.error_count == 0

    @property
    def changes(self):
        return self.created + self.updated

    @classmethod
    def refused(cls, kind, message):
        return cls(kind=kind, error_count=1, errors=[{"line": None, "column": "", "value": "", "message": message}])


# ---------------------------------------------------------------------------------------------
# Converters: raw cell -> clean value, ValueError with a French reason.


def _text(max_length, required=False):
    intern = sys.intern  # the same street or commune on thousands of rows: one string in memory

    def convert(value):
        text = value.strip() if value.__class__ is str else cell_text(value)
        if len(text) > max_length:
            raise ValueError(f"texte trop long ({max_length} caractères au plus)")
        if required and not text:
            raise ValueError("valeur obligatoire")
        return intern(text)

    return convert


_RPLS_ID = re.compile(r"[0-9A-Za-z_\-./]{1,20}")
_INSEE = re.compile(r"(?!00)\d{5}|2[AB]\d{3}")
_POSTCODE = re.compile(r"(?!00)\d{5}")
_CONSTRUCTION_TYPES = frozenset(ConstructionType.values)


def rpls_id(value):
    """IDENT_REP: 10 characters in the RPLS (domain.md §5). Excel turns an all-digit id into a
    number and drops its leading zeros (0860001234 -> 860001234.0): digits shorter than 10 are
    padded back; ids with letters are kept as they are."""
    text = cell_code(value, 10)
    if not text:
        raise ValueError("identifiant obligatoire")
    if not _RPLS_ID.fullmatch(text):
        raise ValueError("identifiant RPLS invalide (10 caractères, sans espace)")
    return text


def _department_code(value):
    """INSEE codes and postcodes of departments 01 to 09 lose their one leading zero in Excel."""
    text = value.strip() if value.__class__ is str else cell_text(value)
    return "0" + text if len(text) == 4 and text.isdigit() else text


def insee_code(value):
    text = _department_code(value).upper()
    if not text:
        raise ValueError("code INSEE obligatoire")
    if not _INSEE.fullmatch(text):
        raise ValueError("code INSEE de commune invalide (5 caractères, par exemple 86194)")
    return sys.intern(text)


def postcode(value):
    text = _department_code(value)
    if text and not _POSTCODE.fullmatch(text):
        raise ValueError("code postal invalide (5 chiffres)")
    return sys.intern(text)


def construction_type(value):
    text = (value.strip() if value.__class__ is str else cell_text(value)).upper()
    if text and text not in _CONSTRUCTION_TYPES:
        raise ValueError("type de construction inconnu (I individuel, C collectif, E étudiant)")
    return sys.intern(text)


def rooms(value):
    number = cell_int(value)
    if number is not None and not 0 <= number <= 99:
        raise ValueError("nombre de pièces invalide")
    return number


def living_area(value):
    number = cell_decimal(value, 2)
    if number is not None and not Decimal(0) < number < Decimal(100_000):
        raise ValueError("surface invalide (en m², supérieure à 0)")
    return number


def year(value):
    number = cell_int(value)
    if number is not None and not 1000 <= number <= 2100:
        raise ValueError("année invalide (quatre chiffres, par exemple 1972)")
    return number


def required_date(value):
    day = cell_date(value)
    if day is None:
        raise ValueError("date obligatoire (jj/mm/aaaa)")
    return day


EQUIPMENT_WORDS = {
    EquipmentStatus.NONE: ("none", "non", "aucun", "aucune", "non equipe", "sans", "0"),
    EquipmentStatus.OUTLET: ("outlet", "prise", "prise fibre", "prise fibre presente", "pto", "1"),
    EquipmentStatus.BOX: ("box", "box installee", "equipe", "oui", "2"),
}
_EQUIPMENT = {header_key(word): status for status, words in EQUIPMENT_WORDS.items() for word in words} | {
    header_key(status.label): status for status in EquipmentStatus
}


def equipment_status(value):
    status = _EQUIPMENT.get(header_key(cell_text(value)))
    if status is None:
        raise ValueError("équipement inconnu (Non équipé, Prise fibre présente ou Box installée)")
    return status


# ---------------------------------------------------------------------------------------------
# Column declarations, shared with the export (leases/exports.py) and the blank templates.


@dataclass(frozen=True)
class Spec:
    column: Column
    field: str  # model field (FK by name: "qpv")
    convert: object = None  # one cell -> clean value, or ValueError with the reason
    example: object = ""
    fast: object = None  # a whole column at once, None when it cannot (spreadsheets.convert_column)


def _text_spec(name, model, field_name, example, required=False):
    max_length = model._meta.get_field(field_name).max_length
    return Spec(
        Column(name, required=required),
        field_name,
        _text(max_length, required),
        example,
        fast_text(max_length, required),
    )


LODGING_SPECS = [
    Spec(Column("IDENT_REP", required=True), "rpls_id", rpls_id, "0860001234", fast_code(10, _RPLS_ID, False)),
    _text_spec("IDENT_INT", Lodging, "internal_id", "L01-0001"),
    Spec(Column("DEPCOM", required=True), "commune", insee_code, "86194", fast_code(5, _INSEE)),
    Spec(Column("CODEPOSTAL"), "postcode", postcode, "86000", fast_code(5, _POSTCODE)),
    _text_spec("LIBCOM", Lodging, "commune_name", "Poitiers"),
    _text_spec("NUMVOIE", Lodging, "street_number", "12"),
    _text_spec("INDREP", Lodging, "repetition", "B"),
    _text_spec("TYPVOIE", Lodging, "street_type", "RUE"),
    _text_spec("NOMVOIE", Lodging, "street_name", "DES TROIS CITES", required=True),
    _text_spec("ETAGE", Lodging, "floor", "2"),
    _text_spec("ESC", Lodging, "staircase", "1"),
    _text_spec("NUMAPPT", Lodging, "flat", "21"),
    _text_spec("BAT", Lodging, "building", "A"),
    _text_spec("IMMEU", Lodging, "building_name", "LES TILLEULS"),
    _text_spec("ENTREE", Lodging, "entrance", "1"),
    Spec(Column("PLG_QP24", aliases=("QPV_CODE", "QPV")), "qpv", None, "QN08604M"),
    Spec(Column("TYPECONST"), "construction_type", construction_type, "C"),
    Spec(Column("NBPIECE"), "rooms", rooms, 3, fast_int(0, 99)),
    Spec(Column("SURFHAB"), "living_area", living_area, Decimal("63.5"), fast_decimal(2, 0, 100_000)),
    Spec(Column("CONSTRUCT"), "construction_year", year, 1972, fast_int(1000, 2100)),
    _text_spec("FINAN", Lodging, "financing", "PLUS"),
]
LEASE_SPECS = [
    Spec(Column("IDENT_REP", required=True), "rpls_id", rpls_id, "0860001234", fast_code(10, _RPLS_ID, False)),
    Spec(
        Column("REFERENCE_BAIL", required=True, aliases=("REFERENCE", "REF_BAIL")),
        "reference",
        _text(Lease._meta.get_field("reference").max_length, True),
        "B2024-0042",
    ),
    Spec(Column("DATE_DEBUT", required=True, aliases=("DEBUT", "DEBUT_BAIL")), "start", required_date),
    Spec(Column("DATE_FIN", aliases=("FIN", "FIN_BAIL")), "end", cell_date),
]
EQUIPMENT_SPECS = [
    Spec(Column("IDENT_REP", required=True), "rpls_id", rpls_id, "0860001234", fast_code(10, _RPLS_ID, False)),
    Spec(Column("EQUIPEMENT", required=True, aliases=("STATUT",)), "status", equipment_status, "Box installée"),
    Spec(Column("DATE_EQUIPEMENT", aliases=("DATE",)), "effective_date", cell_date),
]
SPECS = {ImportKind.LODGINGS: LODGING_SPECS, ImportKind.LEASES: LEASE_SPECS, ImportKind.EQUIPMENT: EQUIPMENT_SPECS}


def residence_key(building_name, street_number, repetition, street_type, street_name, commune):
    """How an import recognises a residence: its programme/building name (IMMEU) in its commune,
    else its address. Upper case, single spaces: the demo's `NAME|86194` keys follow the same rule."""
    label = building_name or " ".join(part for part in (street_number + repetition, street_type, street_name) if part)
    return f"{' '.join(label.split()).upper()}|{commune}"


# ---------------------------------------------------------------------------------------------
# Reading rows


class Reader:
    """Runs the converters of the bound columns over every block of rows, collecting errors."""

    def __init__(self, sheet, specs, errors, overrides=None):
        bound = sheet.bind([spec.column for spec in specs])
        self.specs = [spec for spec in specs if spec.column.name in bound]
        self.fields = [spec.field for spec in self.specs]
        overrides = overrides or {}
        self.plan = [(spec.column.name, *overrides.get(spec.field, (spec.convert, spec.fast))) for spec in self.specs]
        self.pick = itemgetter(*[bound[spec.column.name] for spec in self.specs])
        self.sheet = sheet
        self.errors = errors
        known = {header_key(name) for spec in specs for name in (spec.column.name, *spec.column.aliases)}
        self.ignored = [name for name in sheet.header if name and header_key(name) not in known]

    def rows(self):
        """(line, values, ok) of every row; a row with errors (already reported) is not ok and has
        None in its failed cells: its other values still serve (a duplicate id is still named)."""
        single = len(self.plan) == 1
        for lines, rows in self.sheet.blocks():
            picked = [(value,) for value in map(self.pick, rows)] if single else list(map(self.pick, rows))
            columns, errors = [], []
            for (name, convert, fast), values in zip(self.plan, zip(*picked, strict=True), strict=True):
                clean, failed = convert_column(values, convert, fast)
                columns.append(clean)
                errors.extend((offset, name, value, reason) for offset, value, reason in failed)
            bad = set()
            for offset, name, value, reason in sorted(errors, key=lambda error: error[0]):
                self.errors.add(lines[offset], name, value, reason)
                bad.add(offset)
            if not bad:
                for line, values in zip(lines, zip(*columns, strict=True), strict=True):
                    yield line, values, True
                continue
            for offset, values in enumerate(zip(*columns, strict=True)):
                yield lines[offset], values, offset not in bad


class Importer:
    kind = None

    def __init__(self, landlord):
        self.landlord = landlord

    def check(self, sheet, progress=None):
        """An Outcome: counts, preview, errors, and the plan write() applies."""
        raise NotImplementedError

    def write(self, outcome, *, batch, by):
        """Apply a checked outcome; the caller holds the transaction."""
        raise NotImplementedError

    def _foreign_ids(self, ids):
        """Those of `ids` that belong to another landlord's stock."""
        return set(
            Lodging.objects.filter(bulk.AnyOf(F("rpls_id"), ids))
            .exclude(landlord=self.landlord)
            .values_list("rpls_id", flat=True)
        )

    @staticmethod
    def _report(progress, done, total):
        if progress is not None:
            progress(done, total)


def _digest(*groups):
    """A fingerprint of what a preview announced (which ids change how), to notice a stale one."""
    digest = hashlib.sha256()
    for label, ids in groups:
        digest.update(label.encode())
        for value in ids:
            digest.update(b"\0" + str(value).encode())
    return digest.hexdigest()


def _display(value):
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f").replace(".", ",")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


# ---------------------------------------------------------------------------------------------
# Dwellings: the RPLS extract


@dataclass
class LodgingPlan:
    fields: list
    created: list  # (values, key)
    updated: list  # (pk, values, key)
    residences: dict  # key -> Residence fields, for new residences


class LodgingImport(Importer):
    kind = ImportKind.LODGINGS

    def check(self, sheet, progress=None):
        errors = Errors()
        qpvs = dict(Qpv.objects.values_list("code", "pk"))

        def qpv(value):
            code = cell_text(value).upper()
            if code in OUTSIDE_QPV:
                return None
            try:
                return qpvs[code]
            except KeyError:
                raise ValueError("QPV inconnu du référentiel 2024 (HZ ou vide : hors QPV)") from None

        lookup = dict(qpvs) | dict.fromkeys(OUTSIDE_QPV)

        def qpv_fast(values):
            try:
                return list(map(lookup.__getitem__, map(str.strip, values)))
            except (KeyError, TypeError):
                return None

        reader = Reader(sheet, LODGING_SPECS, errors, overrides={"qpv": (qpv, qpv_fast)})
        fields = reader.fields
        total = sheet.total_rows or 0
        records = {}  # IDENT_REP -> (line, values)
        refused_lines = {}  # IDENT_REP -> line, of rows with other errors
        pending = []
        done = 0
        for line, values, ok in reader.rows():
            done += 1
            ident = values[0]
            if ident is not None:
                first = records[ident][0] if ident in records else refused_lines.get(ident)
                if first is not None:
                    errors.add(line, "IDENT_REP", ident, f"IDENT_REP en double : lignes {first} et {line}.")
                elif ok:
                    records[ident] = (line, values)
                    pending.append(ident)
                else:
                    refused_lines[ident] = line
            if done % CHUNK_ROWS == 0:
                self._check_foreign(pending, records, errors)
                pending = []
                self._report(progress, done, max(total, done) if total else 0)
        self._check_foreign(pending, records, errors)
        self._report(progress, done, done)
        outcome = Outcome(kind=self.kind, total_rows=done)
        outcome.preview["columns"] = [spec.column.name for spec in reader.specs]
        outcome.preview["ignored"] = reader.ignored
        if not records and not errors.count:
            errors.add(None, "", "", "Le fichier ne contient aucun logement (seulement la ligne d'en-tête).")
        if errors.count:
            outcome.error_count, outcome.errors = errors.count, errors.sorted()
            return outcome
        self._compare(records, fields, outcome)
        return outcome

    def _check_foreign(self, ids, records, errors):
        if not ids:
            return
        for ident in sorted(self._foreign_ids(ids), key=lambda ident: records[ident][0]):
            errors.add(records[ident][0], "IDENT_REP", ident, FOREIGN_ID)
            del records[ident]

    def _compare(self, records, fields, outcome):
        """Created / updated / unchanged / absent, streaming the stock once (never all of it in memory)."""
        position = {name: index for index, name in enumerate(fields)}
        key_of = self._key_function(position)
        residences = dict(Residence.objects.filter(landlord=self.landlord).values_list("group_key", "pk"))
        compared = fields[1:]
        keys, new_residences = {}, {}
        for ident, (_line, values) in records.items():
            key = keys[ident] = key_of(values)
            if key not in residences and key not in new_residences:
                new_residences[key] = self._residence_fields(values, position)
        updated, absent, matched = [], [], set()
        unchanged = 0
        stock = (
            Lodging.objects.filter(landlord=self.landlord)
            .order_by()
            .values_list("pk", "rpls_id", "exit_reason", "residence", *compared)
        )
        for row in stock.iterator(chunk_size=10_000):
            ident = row[1]
            record = records.get(ident)
            if record is None:
                if not row[2]:  # still in stock: absent from the file
                    absent.append(ident)
                continue
            matched.add(ident)
            values = record[1]
            if row[3] == residences.get(keys[ident]) and row[4:] == values[1:]:
                unchanged += 1
            else:
                updated.append((row, record))
        created = [(values, keys[ident]) for ident, (_line, values) in records.items() if ident not in matched]
        labels = {name: Lodging._meta.get_field(name).verbose_name for name in fields}
        samples_updated = []
        for row, (line, values) in heapq.nsmallest(SAMPLES, updated, key=lambda item: item[1][0]):
            changes = [
                {"field": str(labels[name]), "old": _display(old), "new": _display(new)}
                for name, old, new in zip(compared, row[4:], values[1:], strict=True)
                if old != new
            ]
            if row[3] != residences.get(keys[row[1]]):
                changes.append({"field": "résidence", "old": "", "new": keys[row[1]].split("|")[0]})
            samples_updated.append({"line": line, "rpls_id": row[1], "changes": changes})
        samples_created = [
            {"line": records[values[0]][0], "rpls_id": values[0], "address": self._address(values, position)}
            for values, _ in created[:SAMPLES]
        ]
        absent.sort()
        absent_rows = Lodging.objects.filter(landlord=self.landlord, rpls_id__in=absent[:ABSENT_LISTED])
        outcome.created, outcome.updated, outcome.unchanged, outcome.absent = (
            len(created),
            len(updated),
            unchanged,
            len(absent),
        )
        outcome.preview.update(
            created=samples_created,
            updated=samples_updated,
            absent=[{"rpls_id": lodging.rpls_id, "address": lodging.address} for lodging in absent_rows],
            residences_created=len(new_residences),
            residence_names=[fields["name"] for fields in list(new_residences.values())[:SAMPLES]],
            digest=_digest(
                ("created", (values[0] for values, _ in created)),
                ("updated", sorted(row[1] for row, _ in updated)),
                ("absent", absent),
            ),
        )
        outcome.plan = LodgingPlan(
            fields=fields,
            created=created,
            updated=[(row[0], record[1], keys[row[1]]) for row, record in updated],
            residences=new_residences,
        )

    @staticmethod
    def _key_function(position):
        def get(values, name):
            index = position.get(name)
            return values[index] if index is not None else ""

        def key_of(values):
            return residence_key(
                get(values, "building_name"),
                get(values, "street_number"),
                get(values, "repetition"),
                get(values, "street_type"),
                get(values, "street_name"),
                get(values, "commune"),
            )

        return key_of

    @staticmethod
    def _address(values, position):
        parts = [values[position[name]] for name in ("street_number", "repetition") if name in position]
        street = " ".join(
            part
            for part in [
                "".join(parts),
                *(values[position[n]] for n in ("street_type", "street_name") if n in position),
            ]
            if part
        )
        place = " ".join(values[position[name]] for name in ("postcode", "commune_name") if name in position)
        return ", ".join(part for part in (street, place.strip()) if part)

    def _residence_fields(self, values, position):
        def get(name):
            index = position.get(name)
            return values[index] if index is not None else None

        street = " ".join(
            part
            for part in (
                (get("street_number") or "") + (get("repetition") or ""),
                get("street_type"),
                get("street_name"),
            )
            if part
        )
        return {
            "name": (get("building_name") or street)[:200],
            "address": street[:300],
            "postcode": get("postcode") or "",
            "commune": get("commune"),
            "commune_name": get("commune_name") or "",
            "qpv_id": get("qpv"),
        }

    def write(self, outcome, *, batch, by):
        plan = outcome.plan
        now = timezone.now()
        if plan.residences:
            Residence.objects.bulk_create(
                [Residence(landlord=self.landlord, group_key=key, **fields) for key, fields in plan.residences.items()],
                batch_size=500,
            )
        residences = dict(Residence.objects.filter(landlord=self.landlord).values_list("group_key", "pk"))
        columns = [f for f in Lodging._meta.concrete_fields if not f.primary_key]
        names = [f.name for f in columns]
        template = [f.get_default() for f in columns]
        template[names.index("landlord")] = self.landlord.pk
        template[names.index("created_at")] = now
        template[names.index("updated_at")] = now
        slots = [names.index(name) for name in plan.fields]
        residence_slot = names.index("residence")

        def new_rows():
            for values, key in plan.created:
                row = list(template)
                for slot, value in zip(slots, values, strict=True):
                    row[slot] = value
                row[residence_slot] = residences[key]
                yield row

        bulk.insert_rows(Lodging, names, new_rows())
        bulk.update_rows(
            Lodging,
            ["residence", *plan.fields[1:], "updated_at"],
            ((pk, residences[key], *values[1:], now) for pk, values, key in plan.updated),
        )


# ---------------------------------------------------------------------------------------------
# Leases


@dataclass
class LeasePlan:
    created: list  # (lodging pk, reference, start, end)
    updated: list  # (lease pk, start, end)


class _OwnLodgings:
    """IDENT_REP -> pk over the landlord's dwellings; unknown ids told apart from another landlord's."""

    def __init__(self, importer, errors):
        self.importer = importer
        self.errors = errors
        self.pks = dict(Lodging.objects.filter(landlord=importer.landlord).values_list("rpls_id", "pk"))
        self.unknown = {}  # IDENT_REP -> first line

    def get(self, line, ident):
        pk = self.pks.get(ident)
        if pk is None:
            self.unknown.setdefault(ident, []).append(line)
        return pk

    def report(self):
        ids = list(self.unknown)
        foreign = set()
        for start in range(0, len(ids), CHUNK_ROWS):
            foreign |= self.importer._foreign_ids(ids[start : start + CHUNK_ROWS])
        for ident, lines in self.unknown.items():
            message = (
                FOREIGN_ID
                if ident in foreign
                else "IDENT_REP inconnu dans votre parc : importez d'abord vos logements (extrait RPLS)."
            )
            for line in lines:
                self.errors.add(line, "IDENT_REP", ident, message)


class LeaseImport(Importer):
    """Leases by the landlord's own reference: no tenant name, nothing else (domain.md §4)."""

    kind = ImportKind.LEASES

    def check(self, sheet, progress=None):
        errors = Errors()
        reader = Reader(sheet, LEASE_SPECS, errors)
        position = {name: index for index, name in enumerate(reader.fields)}
        has_end = "end" in position
        own = _OwnLodgings(self, errors)
        total = sheet.total_rows or 0
        rows = {}  # (lodging pk, reference) -> (line, start, end)
        first_lines = {}
        done = 0
        for line, values, ok in reader.rows():
            done += 1
            if done % CHUNK_ROWS == 0:
                self._report(progress, done, max(total, done) if total else 0)
            ident, reference, start = values[0], values[1], values[2]
            end = values[position["end"]] if has_end else None
            pair = (ident, reference)
            if None in pair:
                continue
            if pair in first_lines:
                errors.add(
                    line,
                    "REFERENCE_BAIL",
                    reference,
                    f"bail en double pour ce logement : lignes {first_lines[pair]} et {line}.",
                )
                continue
            first_lines[pair] = line
            if ok and end is not None and end < start:
                errors.add(line, "DATE_FIN", end, "la fin du bail précède son début")
                continue
            lodging = own.get(line, ident)
            if ok and lodging is not None:
                rows[(lodging, reference)] = (line, start, end)
        own.report()
        self._report(progress, done, done)
        outcome = Outcome(kind=self.kind, total_rows=done)
        if not done:
            errors.add(None, "", "", "Le fichier ne contient aucun bail (seulement la ligne d'en-tête).")
        existing = {
            (lodging, reference): (pk, start, end)
            for pk, lodging, reference, start, end in Lease.objects.filter(lodging__landlord=self.landlord)
            .order_by()
            .values_list("pk", "lodging", "reference", "start", "end")
        }
        self._check_overlaps(rows, existing, errors)
        if errors.count:
            outcome.error_count, outcome.errors = errors.count, errors.sorted()
            return outcome
        rpls = {pk: ident for ident, pk in own.pks.items()}
        created, updated, samples_created, samples_updated = [], [], [], []
        unchanged = 0
        for (lodging, reference), (line, start, end) in rows.items():
            current = existing.get((lodging, reference))
            if current is None:
                created.append((lodging, reference, start, end))
                if len(samples_created) < SAMPLES:
                    samples_created.append(
                        {"line": line, "rpls_id": rpls[lodging], "address": f"{reference} : {self._period(start, end)}"}
                    )
            elif current[1:] == (start, end):
                unchanged += 1
            else:
                updated.append((current[0], start, end))
                if len(samples_updated) < SAMPLES:
                    samples_updated.append(
                        {
                            "line": line,
                            "rpls_id": rpls[lodging],
                            "changes": [
                                {
                                    "field": f"bail {reference}",
                                    "old": self._period(*current[1:]),
                                    "new": self._period(start, end),
                                }
                            ],
                        }
                    )
        outcome.created, outcome.updated, outcome.unchanged = len(created), len(updated), unchanged
        outcome.preview.update(
            columns=[spec.column.name for spec in reader.specs],
            ignored=reader.ignored,
            created=samples_created,
            updated=samples_updated,
            digest=_digest(("created", (f"{c[0]}:{c[1]}" for c in created)), ("updated", (u[0] for u in updated))),
        )
        outcome.plan = LeasePlan(created=created, updated=updated)
        return outcome

    @staticmethod
    def _period(start, end):
        return f"du {_display(start)} au {_display(end)}" if end else f"depuis le {_display(start)}"

    @staticmethod
    def _check_overlaps(rows, existing, errors):
        """Two leases of one dwelling may touch (out and in the same day) but not overlap:
        otherwise nobody could say which one is current."""
        by_lodging = {}
        for (lodging, reference), (_pk, start, end) in existing.items():
            by_lodging.setdefault(lodging, {})[reference] = (None, start, end)
        for (lodging, reference), (line, start, end) in rows.items():
            by_lodging.setdefault(lodging, {})[reference] = (line, start, end)
        for leases in by_lodging.values():
            if len(leases) < 2:
                continue
            ordered = sorted(leases.items(), key=lambda item: item[1][1])
            for (ref_a, (line_a, start_a, end_a)), (ref_b, (line_b, start_b, _)) in zip(
                ordered, ordered[1:], strict=False
            ):
                if end_a is None or start_b < end_a:
                    line = line_b or line_a
                    if line is None:
                        continue  # both already recorded: not this file's doing
                    other = ref_a if line_b else ref_b
                    errors.add(line, "DATE_DEBUT", start_b if line_b else start_a, f"chevauche le bail {other}.")

    def write(self, outcome, *, batch, by):
        plan = outcome.plan
        Lease.objects.bulk_create(
            [
                Lease(lodging_id=lodging, reference=ref, start=start, end=end)
                for lodging, ref, start, end in plan.created
            ],
            batch_size=2000,
        )
        Lease.objects.bulk_update(
            [Lease(pk=pk, start=start, end=end) for pk, start, end in plan.updated], ["start", "end"], batch_size=500
        )


# ---------------------------------------------------------------------------------------------
# Equipment, dwelling by dwelling


@dataclass
class EquipmentPlan:
    events: list  # (lodging pk, status, date)


class EquipmentImport(Importer):
    """Dated equipment facts by IDENT_REP; unchanged when the dwelling already shows that status."""

    kind = ImportKind.EQUIPMENT

    def check(self, sheet, progress=None):
        errors = Errors()
        reader = Reader(sheet, EQUIPMENT_SPECS, errors)
        has_date = "effective_date" in reader.fields
        own = _OwnLodgings(self, errors)
        today = timezone.localdate()
        total = sheet.total_rows or 0
        rows, first_lines = [], {}
        done = 0
        for line, values, ok in reader.rows():
            done += 1
            if done % CHUNK_ROWS == 0:
                self._report(progress, done, max(total, done) if total else 0)
            ident, status = values[0], values[1]
            day = values[2] if has_date else None
            if ident is None:
                continue
            if ident in first_lines:
                errors.add(line, "IDENT_REP", ident, f"IDENT_REP en double : lignes {first_lines[ident]} et {line}.")
                continue
            first_lines[ident] = line
            if not ok:
                continue
            if day is not None and day > today:
                errors.add(line, "DATE_EQUIPEMENT", day, "date dans le futur : seul un équipement en place compte")
                continue
            lodging = own.get(line, ident)
            if lodging is not None:
                rows.append((line, ident, lodging, status, day))
        own.report()
        self._report(progress, done, done)
        outcome = Outcome(kind=self.kind, total_rows=done)
        if not done:
            errors.add(None, "", "", "Le fichier ne contient aucune ligne (seulement la ligne d'en-tête).")
        current = {
            pk: (status, day)
            for pk, status, day in Lodging.objects.filter(landlord=self.landlord)
            .order_by()
            .values_list("pk", "equipment_status", "equipment_date")
        }
        events, samples, unchanged = [], [], 0
        for line, ident, lodging, status, day in rows:
            now_status, now_day = current[lodging]
            if status == now_status and (day is None or day == now_day or status == EquipmentStatus.NONE):
                unchanged += 1
                continue
            if day is None:
                errors.add(line, "DATE_EQUIPEMENT", "", "date obligatoire pour enregistrer un changement d'équipement")
                continue
            events.append((lodging, status, day))
            if len(samples) < SAMPLES:
                samples.append(
                    {
                        "line": line,
                        "rpls_id": ident,
                        "changes": [
                            {
                                "field": "équipement",
                                "old": EquipmentStatus(now_status).label,
                                "new": f"{EquipmentStatus(status).label} le {_display(day)}",
                            }
                        ],
                    }
                )
        if errors.count:
            outcome.error_count, outcome.errors = errors.count, errors.sorted()
            return outcome
        outcome.created, outcome.unchanged = len(events), unchanged
        outcome.preview.update(
            columns=[spec.column.name for spec in reader.specs],
            ignored=reader.ignored,
            updated=samples,
            digest=_digest(("events", (f"{e[0]}:{e[1]}:{e[2]}" for e in events))),
        )
        outcome.plan = EquipmentPlan(events=events)
        return outcome

    def write(self, outcome, *, batch, by):
        now = timezone.now()
        user_id, source = getattr(by, "pk", None), EventSource.LANDLORD.value
        # leases.bulk, not bulk_create: 100,000 events through the ORM took 11 s of a 17 s import.
        bulk.insert_rows(
            EquipmentEvent,
            ["lodging", "status", "effective_date", "recorded_at", "recorded_by", "source", "batch", "contest_reason"],
            (
                (lodging, str(status), day, now, user_id, source, batch.pk, "")
                for lodging, status, day in outcome.plan.events
            ),
        )
        # By primary key from the batch's events: a correlated EXISTS visits every dwelling of the
        # database (all landlords) and leaves the probe's index to SQLite's planner (the same pattern
        # took 17 s for 10,000 rows in subscriptions); benchmarks/import_lodgings.py measures it.
        Lodging.objects.filter(
            pk__in=EquipmentEvent.objects.filter(batch=batch).values("lodging_id")
        ).refresh_equipment()


IMPORTERS = {ImportKind.LODGINGS: LodgingImport, ImportKind.LEASES: LeaseImport, ImportKind.EQUIPMENT: EquipmentImport}


# ---------------------------------------------------------------------------------------------
# Entry points


def check_file(kind, landlord, source, file_name, progress=None):
    """Read and check a file against `landlord`'s stock; nothing is written."""
    try:
        with open_sheet(source, file_name) as sheet:
            return IMPORTERS[kind](landlord).check(sheet, progress)
    except SpreadsheetError as error:
        return Outcome.refused(kind, str(error))


def write(outcome, *, landlord, batch, by):
    """Apply a checked outcome (outcome.ok) and record it on `batch`, all in one transaction."""
    with transaction.atomic():
        IMPORTERS[outcome.kind](landlord).write(outcome, batch=batch, by=by)
        batch.set_outcome(outcome)
        batch.mark_applied(by=by)
        batch.save()


def import_file(kind, *, landlord, path, by=None, dry_run=False):
    """The commands' import: check, then write at once when there is no error (status 1 otherwise)."""
    path = Path(path)
    outcome = check_file(kind, landlord, path, path.name)
    if outcome.ok and not dry_run:
        with transaction.atomic():
            batch = ImportBatch(
                landlord=landlord, kind=kind, file_name=path.name, created_by=by, state=ImportState.APPLYING
            )
            batch.save()
            write(outcome, landlord=landlord, batch=batch, by=by)
    return outcome
