"""The city's follow-up as a spreadsheet: columns declared once (accounts.exports)."""


def _commitment(attr):
    def get(row):
        return getattr(row.commitment, attr) if row.commitment else ""

    return get


def _progress(attr):
    def get(row):
        return getattr(row.progress, attr) if row.progress else ""

    return get


def _signed_on(row):
    return row.signature.signed_at.date() if row.signature.signed_at else None


def _baseline(row):
    return row.progress.baseline_text if row.progress and row.commitment.in_force else ""


FOLLOWUP_COLUMNS = [
    ("Organisation", lambda row: row.signature.organization.name),
    ("SIREN", lambda row: row.signature.organization.siren),
    ("Type", lambda row: row.signature.organization.get_kind_display()),
    ("Adhésion", lambda row: row.signature.get_state_display()),
    ("Signée le", _signed_on),
    ("Signataire", lambda row: row.signature.signatory_name),
    ("Fonction", lambda row: row.signature.signatory_function),
    ("Engagement", lambda row: row.commitment.kind.label if row.commitment else ""),
    ("Périmètre", _commitment("scope_text")),
    ("Cible", _commitment("target_text")),
    ("Échéance", _commitment("due_date")),
    ("En vigueur depuis le", _commitment("starts_on")),
    ("Valeur à l'entrée en vigueur", _baseline),
    ("Valeur actuelle", _progress("value_text")),
    ("Attendu aujourd'hui (trajectoire)", _progress("expected_text")),
    ("Statut", _progress("label")),
]
