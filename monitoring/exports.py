"""The dashboard as a workbook (one sheet per view) and as the charter's annual report (PDF).

Both are built from the same figures.Dashboard as the page, so that the three never disagree.
Columns are declared once as (header, getter) pairs; numbers are written as numbers.
"""

from django.utils import timezone

from accounts.exports import xlsx_bytes
from leases.models import FIBRE_READY_STATES

from . import charts
from .forms import month_label


def _rate(value):
    return round(value, 1) if value is not None else None


def summary_rows(board):
    """(indicator, value, unit, as of) lines of the synthesis."""
    headline, period = board.headline, board.period
    as_of = headline["as_of"].strftime("%d/%m/%Y")
    today = timezone.localdate().strftime("%d/%m/%Y")
    counts = board.commitment_counts
    rows = [
        ("Périmètre", board.scope.title, "", ""),
        ("Période", period.label, "", ""),
        ("Quartier prioritaire", str(board.qpv) if board.qpv else "tous", "", ""),
        ("Bailleur", str(board.landlord) if board.landlord else "tous", "", ""),
        ("Logements du parc", headline["dwellings"], "logements", as_of),
        ("Logements équipés d'une box", headline["equipped"], "logements", as_of),
        ("Part des logements équipés", _rate(headline["equipped_rate"]), "%", as_of),
        ("Logements avec un abonnement actif", headline["active"], "logements", as_of),
        ("Part avec un abonnement actif", _rate(headline["active_rate"]), "%", as_of),
        ("Logements dans le déploiement d'un marché", board.today.subscribed, "logements", today),
        ("Logements avec une box posée par l'opérateur", board.today.installed, "logements", today),
        ("Logements à l'abonnement suspendu", board.today.suspended, "logements", today),
        ("Logements en résidence raccordable à la fibre", board.today.fibre_ready, "logements", today),
        ("Engagements atteints", counts["met"], "engagements", today),
        ("Engagements en bonne voie", counts["on_track"], "engagements", today),
        ("Engagements en retard", counts["late"], "engagements", today),
    ]
    rows += [(f"Appels d'offres : {t['label']}", t["count"], "appels d'offres", period.label) for t in board.tenders]
    rows += [(f"Marchés : {c['label']}", c["count"], "marchés", today) for c in board.contracts]
    if board.tfpb and not board.tfpb["count"]:
        rows.append((f"Abattement de TFPB {board.tfpb['year']}", "aucun programme d'actions", "", ""))
    elif board.tfpb:
        totals, year = board.tfpb["totals"], board.tfpb["year"]
        rows += [
            (f"Abattement de TFPB {year}", totals["abatement"], "€", str(year)),
            (f"Actions valorisées {year}", totals["realised"], "€", str(year)),
            ("Actions valorisées / abattement", _rate(totals["ratio"]), "%", str(year)),
            ("Dont connexion internet", totals["connectivity"], "€", str(year)),
            (
                "Part de la connexion internet dans les actions valorisées",
                _rate(totals["connectivity_share"]),
                "%",
                str(year),
            ),
        ]
    return rows


SUMMARY_COLUMNS = [
    ("Indicateur", lambda r: r[0]),
    ("Valeur", lambda r: r[1]),
    ("Unité", lambda r: r[2]),
    ("Au", lambda r: r[3]),
]


def _stock_columns(first):
    return [
        first,
        ("Logements", lambda line: line.dwellings),
        ("Équipés d'une box", lambda line: line.equipped),
        ("Part équipée (%)", lambda line: _rate(line.equipped_rate)),
        ("Avec prise fibre ou box", lambda line: line.outlet),
        ("En résidence raccordable à la fibre", lambda line: line.fibre_ready),
        ("Dans un appel d'offres publié", lambda line: line.in_tender),
        ("Couverts par un marché en cours", lambda line: line.under_contract),
        ("Abonnement prévu ou en service", lambda line: line.subscribed),
        ("Box posée par l'opérateur", lambda line: line.installed),
        ("Abonnement actif", lambda line: line.active),
        ("Part active (%)", lambda line: _rate(line.active_rate)),
        ("Abonnement suspendu", lambda line: line.suspended),
    ]


def _monthly_rows(board):
    for line in board.by_qpv:
        for month in board.months:
            values = line.series.get(month)
            yield line, month, values


def _share_of(values, index):
    return _rate(100 * values[index] / values[0]) if values and values[0] else None


MONTHLY_COLUMNS = [
    ("Mois", lambda r: month_label(r[1])),
    ("Code QPV", lambda r: r[0].code or "HZ"),
    ("QPV", lambda r: r[0].label),
    ("Logements", lambda r: r[2][0] if r[2] else None),
    ("Équipés d'une box", lambda r: r[2][1] if r[2] else None),
    ("Part équipée (%)", lambda r: _share_of(r[2], 1)),
    ("Abonnement actif", lambda r: r[2][2] if r[2] else None),
    ("Part active (%)", lambda r: _share_of(r[2], 2)),
]


def funnel_rows(board):
    base = board.funnel[0][1]
    return [(label, count, _rate(100 * count / base) if base else None) for label, count, _ in board.funnel]


FUNNEL_COLUMNS = [
    ("Étape", lambda r: r[0]),
    ("Logements", lambda r: r[1]),
    ("Part du parc (%)", lambda r: r[2]),
]


COMMITMENT_COLUMNS = [
    ("Organisation", lambda r: r[0].signature.organization.name),
    ("Charte", lambda r: str(r[0].signature.charter)),
    ("Engagement", lambda r: r[0].kind.label),
    ("Porte sur", lambda r: r[0].scope_text),
    ("Cible", lambda r: r[0].target_text),
    ("Valeur aujourd'hui", lambda r: r[1].value_text),
    ("Attendu aujourd'hui", lambda r: r[1].expected_text),
    ("État", lambda r: r[1].label),
]

TFPB_COLUMNS = [
    ("Année", lambda p: p.report.year),
    ("Bailleur", lambda p: p.report.convention.landlord.name),
    ("SIREN du bailleur", lambda p: p.report.convention.landlord.siren),
    ("Code QPV", lambda p: p.qpv.code),
    ("QPV", lambda p: p.qpv.name),
    ("Abattement (€)", lambda p: p.abatement_amount),
    ("Actions valorisées (€)", lambda p: p.realised_total),
    ("Valorisé / abattement (%)", lambda p: _rate(p.ratio)),
    ("Dont connexion internet (€)", lambda p: p.connectivity_total),
    ("Statut du bilan", lambda p: p.report.get_state_display()),
]

RESIDENCE_COLUMNS = [
    ("Code QPV", lambda r: r.qpv.code if r.qpv else "HZ"),
    ("QPV", lambda r: r.qpv.name if r.qpv else "Hors QPV"),
    ("Résidence", lambda r: r.name),
    ("Bailleur", lambda r: r.landlord.name),
    ("Commune", lambda r: r.commune_name or r.commune),
    ("Adresse", lambda r: r.address),
    ("État de la fibre (ARCEP)", lambda r: r.get_fibre_state_display()),
    ("Raccordable", lambda r: "oui" if r.fibre_state in FIBRE_READY_STATES else "non"),
    ("Logements", lambda r: r.lodging_count),
    ("Équipés d'une box", lambda r: r.equipped_count),
]

TENDER_COLUMNS = [
    ("Référence", lambda t: t.reference),
    ("Objet", lambda t: t.title),
    ("Bailleur", lambda t: t.landlord.name),
    ("État", lambda t: t.get_state_display()),
    ("Publié le", lambda t: timezone.localtime(t.published_at).strftime("%d/%m/%Y") if t.published_at else ""),
    ("Logements du périmètre", lambda t: t.perimeter_dwellings),
]


def dashboard_xlsx(board):
    scope, qpv, landlord = board.scope, board.qpv, board.landlord
    residences = (
        scope.narrow_stock(scope.residences(), qpv, landlord)
        .select_related("qpv", "landlord")
        .with_counts()
        .order_by("qpv__code", "name", "pk")
    )
    tenders = scope.narrow_tenders(scope.tenders(), qpv, landlord).select_related("landlord").order_by("reference")
    sheets = [
        ("Synthèse", SUMMARY_COLUMNS, summary_rows(board)),
        ("Par QPV", _stock_columns(("QPV", lambda line: line.label)), board.by_qpv),
    ]
    if board.by_landlord:
        sheets.append(("Par bailleur", _stock_columns(("Bailleur", lambda line: line.name)), board.by_landlord))
    sheets += [
        ("Évolution mensuelle", MONTHLY_COLUMNS, _monthly_rows(board)),
        ("Déploiement", FUNNEL_COLUMNS, funnel_rows(board)),
        ("Engagements", COMMITMENT_COLUMNS, board.commitments),
        ("Appels d'offres", TENDER_COLUMNS, tenders),
        ("Fibre par résidence", RESIDENCE_COLUMNS, residences),
    ]
    if board.tfpb is not None:
        sheets.append((f"TFPB {board.tfpb['year']}", TFPB_COLUMNS, board.tfpb["programmes"]))
    return xlsx_bytes(sheets)


def report_context(board):
    """What the annual report (templates/monitoring/pdf/annual_report.html) shows."""
    return {
        "board": board,
        "charts": charts.dashboard_charts(board, small_multiples=0, commitments_listed=None),
        "summary": summary_rows(board)[4:],
        "printed_at": timezone.localdate(),
    }
