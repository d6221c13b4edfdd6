"""Fibre readiness of residences, from ARCEP's per-building FttH open data (domain.md §7).

ARCEP publishes, every quarter, one line per building (hundreds of thousands per region, millions
for France) with its address and its deployment state (`imb_etat`). We stream the file once, keep
only the lines in the communes where we have residences, and match each building to residences
by INSEE code and normalised address (leases/addresses.py). Memory stays flat: the only things
held are our own address index and, per residence, its best match so far.

Who depends on this: the residence pages and the unmatched list (leases/views/stock.py), and
the lodging list's "fibre" filter, through Residence.fibre_state.
"""

import codecs
import csv
import gzip
import zipfile
from dataclasses import dataclass, field

from django.db import transaction
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
OPTIONAL_COLUMNS = ["num_voie", "cp_no_voie", "type_voie"]


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


def decoded_lines(binary):
    """Text lines, each decoded as UTF-8 or, failing that, Windows-1252 (ARCEP publishes both)."""
    utf8 = codecs.getdecoder("utf-8")
    for number, raw in enumerate(binary):
        if number == 0 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            yield utf8(raw)[0]
        except UnicodeDecodeError:
            yield raw.decode("cp1252", errors="replace")


def read_buildings(binary):
    """Yield (insee, number, repetition, street type, street name, state, building id) per line,
    or None for a line too short to read."""
    lines = decoded_lines(binary)
    header_line = next(lines, "")
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
    position = {name: header.index(name) for name in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if name in header}
    width = max(position.values()) + 1
    get = {name: position.get(name) for name in REQUIRED_COLUMNS + OPTIONAL_COLUMNS}
    yield from _rows(csv.reader(lines, delimiter=delimiter), get, width)


def _rows(reader, get, width):
    def value(row, name):
        index = get[name]
        return row[index].strip() if index is not None else ""

    for row in reader:
        if len(row) < width:
            yield None  # unreadable (short) line
            continue
        yield (
            normalize_insee(value(row, "code_insee")),
            value(row, "num_voie"),
            value(row, "cp_no_voie"),
            value(row, "type_voie"),
            value(row, "nom_voie"),
            value(row, "imb_etat"),
            value(row, "imb_id"),
        )


def match_buildings(rows, index, report):
    """{residence id: Match}, the best building for each residence, reading `rows` once."""
    best = {}
    covered = set()
    for row in rows:
        report.lines += 1
        if row is None:
            report.unreadable += 1
            continue
        insee, number, repetition, street_type, street_name, state_text, building_id = row
        if insee not in index.communes:
            continue
        report.in_our_communes += 1
        covered.add(insee)
        state = STATE_BY_TEXT.get(fold(state_text).lower())
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
            best, covered = match_buildings(read_buildings(binary), index, report)
    except (OSError, EOFError, zipfile.BadZipFile, csv.Error) as error:
        raise ArcepFileError(f"Lecture impossible du fichier : {error}") from None
    now = timezone.now()
    updates, unmatched = [], []
    for pk, commune in index.residence_communes.items():
        if commune not in covered:
            report.outside_file += 1
        elif pk in best:
            match = best[pk]
            report.matched[match.confidence] = report.matched.get(match.confidence, 0) + 1
            updates.append(
                Residence(
                    pk=pk,
                    fibre_state=match.state,
                    fibre_building_id=match.building_id,
                    fibre_match_confidence=match.confidence,
                    fibre_updated_at=now,
                )
            )
        else:
            unmatched.append(pk)
    report.unmatched = len(unmatched)
    with transaction.atomic():
        fields = ["fibre_state", "fibre_building_id", "fibre_match_confidence", "fibre_updated_at"]
        Residence.objects.bulk_update(updates, fields, batch_size=500)
        for start in range(0, len(unmatched), 500):
            Residence.objects.filter(pk__in=unmatched[start : start + 500]).update(
                fibre_state=FibreState.UNKNOWN, fibre_building_id="", fibre_match_confidence=None, fibre_updated_at=now
            )
    return report
