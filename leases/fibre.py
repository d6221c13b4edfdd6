"""Fibre readiness of residences, from ARCEP's per-building FttH open data (domain.md §7).

ARCEP publishes, every quarter, one line per building (hundreds of thousands per region, millions
for France) with its address and its deployment state (`imb_etat`). We stream the file once, keep
only the lines in the communes where we have residences, and match each building to residences
by INSEE code and normalised address (leases/addresses.py). Memory stays flat: the only things
held are our own address index and, per residence, its best match so far.

Who depends on this: the residence pages and the unmatched list (leases/views/stock.py), and
the lodging list's "fibre" filter, through Residence.fibre_state.
"""

import csv
import gzip
import io
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection, transaction
from django.utils import timezone

from accounts.validators import normalize_insee

from .addresses import fold, normalise_number, normalise_street, split_address
from .models import FibreState, Lodging, MatchConfidence, Residence

# Best first: a residence takes the best state among the buildings matched at its best confidence.
STATE_RANK = {
    FibreState.DEPLOYED: 6,
    FibreState.ON_REQUEST: 5,
    FibreState.DEPLOYING: 4,
    FibreState.SIGNED: 3,
    FibreState.TARGET: 2,
    FibreState.ABANDONED: 1,
}
# ARCEP's spellings vary between quarters (accents, case, underscores).
STATE_BY_TEXT = {fold(state.value).lower(): state for state in STATE_RANK}
STATE_BY_TEXT.update({"raccordable sur demande": FibreState.ON_REQUEST, "en cours": FibreState.DEPLOYING})

REQUIRED_COLUMNS = ["imb_id", "code_insee", "nom_voie", "imb_etat"]


class ArcepFileError(Exception):
    """The file cannot be read as ARCEP's per-building file; the message is French, for the operator."""


@dataclass
class Match:
    confidence: int
    rank: int
    state: str
    building_id: str


@dataclass
class ArcepReport:
    lines: int = 0
    in_our_communes: int = 0
    unreadable: int = 0
    unknown_state: int = 0
    matched: dict = field(default_factory=dict)  # confidence -> residences
    unmatched: int = 0
    outside_file: int = 0

    @property
    def matched_total(self):
        return sum(self.matched.values())

    def summary(self):
        by_level = ", ".join(
            f"{self.matched.get(level.value, 0)} {level.label.split(' :')[0].lower()}"
            for level in sorted(MatchConfidence, reverse=True)
        )
        lines = [
            f"Immeubles lus : {self.lines} (dont {self.in_our_communes} dans les communes de nos résidences).",
            f"Résidences rapprochées : {self.matched_total} (confiance : {by_level}).",
            f"Résidences non rapprochées : {self.unmatched}.",
            f"Résidences de communes absentes du fichier (inchangées) : {self.outside_file}.",
        ]
        if self.unreadable or self.unknown_state:
            lines.append(
                f"Lignes ignorées : {self.unreadable} illisibles, {self.unknown_state} à l'état inconnu (imb_etat)."
            )
        return "\n".join(lines)


class AddressIndex:
    """Our residences' addresses, by commune, street and number (built from their dwellings)."""

    def __init__(self, residences):
        self.by_number = {}  # (insee, type, name, number) -> {residence ids}
        self.by_street = {}  # (insee, type, name) -> {residence ids}
        self.by_name = {}  # (insee, name) -> {residence ids}
        self.residence_communes = {}  # residence id -> insee
        for pk, commune, address in residences.values_list("pk", "commune", "address").order_by():
            self.residence_communes[pk] = commune
            self.add(pk, commune, *split_address(address))
        dwellings = (
            Lodging.objects.filter(residence__in=residences)
            .values_list("residence_id", "commune", "street_number", "repetition", "street_type", "street_name")
            .order_by()
            .distinct()
        )
        for pk, commune, number, repetition, street_type, street_name in dwellings.iterator(chunk_size=5000):
            self.add(pk, commune, normalise_number(number, repetition), *normalise_street(street_type, street_name))
        self.communes = set(self.residence_communes.values())

    def add(self, pk, commune, number, street_type, street_name):
        if not street_name:
            return
        if number:
            self.by_number.setdefault((commune, street_type, street_name, number), set()).add(pk)
        self.by_street.setdefault((commune, street_type, street_name), set()).add(pk)
        self.by_name.setdefault((commune, street_name), set()).add(pk)

    def candidates(self, commune, number, street_type, street_name):
        """[(confidence, residence ids)] for one building, best confidence first."""
        exact = self.by_number.get((commune, street_type, street_name, number), set()) if number else set()
        street = self.by_street.get((commune, street_type, street_name), set()) - exact
        name = self.by_name.get((commune, street_name), set()) - exact - street
        return [(MatchConfidence.HIGH, exact), (MatchConfidence.MEDIUM, street), (MatchConfidence.LOW, name)]


def open_binary(path):
    """A binary stream over the CSV, whether plain, gzip-compressed or the only CSV of a zip."""
    with open(path, "rb") as probe:
        magic = probe.read(4)
    if magic[:2] == b"\x1f\x8b":
        return gzip.open(path, "rb")
    if magic == b"PK\x03\x04":
        archive = zipfile.ZipFile(path)
        names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
        if len(names) != 1:
            raise ArcepFileError("L'archive zip doit contenir exactement un fichier .csv.")
        return archive.open(names[0])
    return open(path, "rb")


def fix_encoding(text):
    """A field read as UTF-8 with surrogate escapes, decoded again as Windows-1252 if it was not UTF-8.

    ARCEP publishes some files in Windows-1252. The whole file is read as UTF-8 by the C decoder
    (fast); only the few fields we use, of the lines in our communes, are checked and repaired.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("cp1252", errors="replace")
    return text


def read_buildings(binary, communes, report):
    """Yield (insee, number, repetition, street type, street name, state text, building id) for
    the lines in `communes`, counting every line in `report`. Other lines cost one set lookup."""
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape", newline="")
    header_line = text.readline()
    if not header_line.strip():
        raise ArcepFileError("Le fichier est vide.")
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    header = [name.strip().lower() for name in next(csv.reader([header_line], delimiter=delimiter))]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ArcepFileError(
            f"Colonnes obligatoires absentes : {', '.join(missing)}. "
            "Attendu : le fichier ARCEP des immeubles (colonnes imb_id, num_voie, type_voie, nom_voie, "
            "code_insee, imb_etat…)."
        )
    columns = [header.index(name) if name in header else None for name in COLUMNS]
    width = max(index for index in columns if index is not None) + 1
    insee_at = header.index("code_insee")
    for row in csv.reader(text, delimiter=delimiter):
        report.lines += 1
        if len(row) < width:
            report.unreadable += 1
            continue
        insee = row[insee_at].strip()
        if len(insee) != 5:
            insee = normalize_insee(insee)  # "1053" or "1053.0" from a spreadsheet: 01053
        if insee not in communes:
            continue
        report.in_our_communes += 1
        yield tuple(fix_encoding(row[index].strip()) if index is not None else "" for index in columns)


# The columns read, in the order read_buildings yields them.
COLUMNS = ["code_insee", "num_voie", "cp_no_voie", "type_voie", "nom_voie", "imb_etat", "imb_id"]


@lru_cache(maxsize=256)
def parse_state(text):
    return STATE_BY_TEXT.get(fold(text).lower())


def match_buildings(rows, index, report):
    """({residence id: Match}, covered communes): the best building for each residence."""
    best = {}
    covered = set()
    for row in rows:
        insee, number, repetition, street_type, street_name, state_text, building_id = row
        insee = normalize_insee(insee)
        covered.add(insee)
        state = parse_state(state_text)
        if state is None:
            report.unknown_state += 1
            continue
        rank = STATE_RANK[state]
        kind, name = normalise_street(street_type, street_name)
        for confidence, residence_ids in index.candidates(insee, normalise_number(number, repetition), kind, name):
            for pk in residence_ids:
                current = best.get(pk)
                if current is None or (confidence, rank) > (current.confidence, current.rank):
                    best[pk] = Match(confidence, rank, state, building_id[:40])
    return best, covered


def import_arcep(path, residences=None):
    """Read the ARCEP file at `path` and update the fibre state of the residences it covers.

    Residences in a commune the file covers get their best match, or none (unmatched); those
    in communes absent from the file (a regional extract) are left as they were.
    """
    residences = residences if residences is not None else Residence.objects.all()
    index = AddressIndex(residences)
    report = ArcepReport()
    try:
        with open_binary(path) as binary:
            best, covered = match_buildings(read_buildings(binary, index.communes, report), index, report)
    except (OSError, EOFError, zipfile.BadZipFile, csv.Error, UnicodeDecodeError) as error:
        raise ArcepFileError(f"Lecture impossible du fichier : {error}") from None
    now = timezone.now()
    updates, unmatched = [], []
    for pk, commune in index.residence_communes.items():
        if commune not in covered:
            report.outside_file += 1
        elif pk in best:
            match = best[pk]
            report.matched[match.confidence] = report.matched.get(match.confidence, 0) + 1
            updates.append((match.state, match.building_id, int(match.confidence), pk))
        else:
            unmatched.append(pk)
    report.unmatched = len(unmatched)
    with transaction.atomic():
        write_matches(updates, now)
        for start in range(0, len(unmatched), 500):
            Residence.objects.filter(pk__in=unmatched[start : start + 500]).update(
                fibre_state=FibreState.UNKNOWN, fibre_building_id="", fibre_match_confidence=None, fibre_updated_at=now
            )
    return report


def write_matches(updates, now):
    """One parameterised UPDATE run for every (state, building id, confidence, pk).

    bulk_update() builds a CASE expression per row and spent seconds on a few thousand
    residences; executemany sends the same statement with each row's values.
    """
    if not updates:
        return
    meta = Residence._meta
    quote = connection.ops.quote_name
    columns = [meta.get_field(name).column for name in ["fibre_state", "fibre_building_id", "fibre_match_confidence"]]
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {', '.join(f'{quote(c)} = %s' for c in columns)}, "
        f"{quote(meta.get_field('fibre_updated_at').column)} = %s WHERE {quote(meta.pk.column)} = %s"
    )
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.executemany(
            sql, [(state, building, confidence, stamp, pk) for state, building, confidence, pk in updates]
        )
