"""The QPV referential, loaded from the ANCT's list (domain.md §6), all or nothing.

Accepted shapes, plain or gzip-compressed:
- the CSV `code_qp,lib_qp,insee_com` (`,` or `;`, UTF-8 with or without BOM, or Windows-1252),
  several INSEE codes joined with `|`;
- the ANCT GeoJSON, whose features carry the same property names;
- the gazetteer JSON `{meta, qpvs: [{code, label, insee: [...], g}]}`.
"""

import codecs
import csv
import gzip
import json
import re

from django.db import transaction

from accounts.validators import INSEE_RE, normalize_insee

from .models import Qpv, QpvCommune

# QN + department on 3 characters (086, 02A, 971) + 2 digits + a letter.
QPV_CODE_RE = re.compile(r"^QN[0-9]{2}[0-9AB][0-9]{2}[A-Z]$")
MAX_ERRORS_LISTED = 100


class QpvFileError(Exception):
    """The file is refused; `errors` lists the French reasons, line by line when they have one."""

    def __init__(self, errors, total=None):
        self.errors = errors[:MAX_ERRORS_LISTED]
        self.total = total or len(errors)
        super().__init__("\n".join(self.errors))


def read_text(path):
    with open(path, "rb") as stream:
        data = stream.read()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as error:
            raise QpvFileError([f"Archive gzip illisible : {error}."]) from None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse(text):
    """[(line, code, name, [insee codes])], raising QpvFileError with every problem found."""
    if not text.strip():
        raise QpvFileError(["Le fichier est vide."])
    entries = _json_entries(text) if text.lstrip().startswith(("{", "[")) else _csv_entries(text)
    return _validate(entries)


def _csv_entries(text):
    lines = text.splitlines()
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(lines, delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader)]
    missing = [name for name in ("code_qp", "lib_qp", "insee_com") if name not in header]
    if missing:
        raise QpvFileError(
            [f"Colonnes obligatoires absentes : {', '.join(missing)} (attendu : code_qp, lib_qp, insee_com)."]
        )
    code, name, insee = (header.index(c) for c in ("code_qp", "lib_qp", "insee_com"))
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = row + [""] * (len(header) - len(row))
        yield number, cells[code], cells[name], cells[insee]


def _json_entries(text):
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise QpvFileError([f"JSON illisible (ligne {error.lineno}, colonne {error.colno}) : {error.msg}."]) from None
    if isinstance(data, dict) and isinstance(data.get("features"), list):  # ANCT GeoJSON
        for number, feature in enumerate(data["features"], start=1):
            props = (feature or {}).get("properties") or {}
            yield number, props.get("code_qp", ""), props.get("lib_qp", ""), props.get("insee_com", "")
    elif isinstance(data, dict) and isinstance(data.get("qpvs"), list):  # gazetteer {meta, qpvs}
        for number, qpv in enumerate(data["qpvs"], start=1):
            qpv = qpv or {}
            yield number, qpv.get("code", ""), qpv.get("label", ""), qpv.get("insee", "")
    else:
        raise QpvFileError(
            [
                "JSON non reconnu : attendu un GeoJSON de l'ANCT (propriétés code_qp, lib_qp, insee_com) "
                "ou un objet {meta, qpvs: [{code, label, insee}]}."
            ]
        )


def _validate(entries):
    rows, errors, seen = [], [], {}
    for number, code, name, insee in entries:
        where = f"Ligne {number}" if isinstance(number, int) else str(number)
        code = str(code or "").strip().upper()
        name = str(name or "").strip()
        raw_codes = insee if isinstance(insee, list) else re.split(r"[|,;\s]+", str(insee or ""))
        communes = [normalize_insee(c) for c in raw_codes if str(c).strip()]
        if not QPV_CODE_RE.match(code):
            errors.append(
                f"{where}, colonne code_qp : « {code} » n'est pas un code QPV 2024 "
                "(QN + 6 caractères, par exemple QN08604M)."
            )
        elif code in seen:
            errors.append(f"{where}, colonne code_qp : le code {code} figure déjà ligne {seen[code]}.")
        else:
            seen[code] = number
        if not name:
            errors.append(f"{where}, colonne lib_qp : le nom du quartier est vide.")
        elif len(name) > 200:
            errors.append(f"{where}, colonne lib_qp : nom trop long ({len(name)} caractères, 200 au plus).")
        if not communes:
            errors.append(f"{where}, colonne insee_com : aucun code commune.")
        for commune in communes:
            if not INSEE_RE.match(commune):
                errors.append(f"{where}, colonne insee_com : « {commune} » n'est pas un code commune INSEE.")
        rows.append((number, code, name, list(dict.fromkeys(communes))))
    if errors:
        raise QpvFileError(errors, total=len(errors))
    if not rows:
        raise QpvFileError(["Le fichier ne contient aucun quartier."])
    return rows


@transaction.atomic
def load_qpv(rows):
    """Create or update each QPV and its communes; QPV absent from the file are kept (dwellings
    point to them). Returns the counts {created, updated, unchanged, absent}."""
    existing = {q.code: q for q in Qpv.objects.prefetch_related("communes")}
    counts = {"created": 0, "updated": 0, "unchanged": 0, "absent": 0}
    new = [Qpv(code=code, name=name) for _, code, name, _ in rows if code not in existing]
    Qpv.objects.bulk_create(new, batch_size=500)
    counts["created"] = len(new)
    qpv_ids = {q.code: q.pk for q in Qpv.objects.filter(code__in=[code for _, code, _, _ in rows])}
    renamed, links_to_add, links_to_drop = [], [], []
    for _, code, name, communes in rows:
        qpv = existing.get(code)
        before = set(qpv.insee_codes) if qpv else set()
        if qpv is not None:
            changed = qpv.name != name or before != set(communes)
            counts["updated" if changed else "unchanged"] += 1
            if qpv.name != name:
                qpv.name = name
                renamed.append(qpv)
        links_to_add += [QpvCommune(qpv_id=qpv_ids[code], insee_code=c) for c in communes if c not in before]
        links_to_drop += [(qpv_ids[code], c) for c in before - set(communes)]
    Qpv.objects.bulk_update(renamed, ["name"], batch_size=500)
    QpvCommune.objects.bulk_create(links_to_add, batch_size=500)
    for qpv_id, insee in links_to_drop:
        QpvCommune.objects.filter(qpv_id=qpv_id, insee_code=insee).delete()
    counts["absent"] = len(set(existing) - set(qpv_ids))
    return counts
