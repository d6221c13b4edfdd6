"""Annual reports as spreadsheets (one line per action) and as the steering committee's PDF.

Columns are declared once; the action sheet carries the useful bilan line of domain.md §3: year,
QPV code, landlord SIREN, axis, action, planned €, realised €, dwellings concerned, indicators,
status.
"""

from django.db.models import Prefetch
from django.utils import timezone

from accounts.exports import xlsx_bytes

from .models import Action, ActionComment, Programme, ReportReview, totals_of


def _report(action):
    return action.programme.report


ACTION_COLUMNS = [
    ("Année", lambda a: _report(a).year),
    ("Code QPV", lambda a: a.programme.qpv.code),
    ("QPV", lambda a: a.programme.qpv.name),
    ("SIREN du bailleur", lambda a: _report(a).convention.landlord.siren),
    ("Bailleur", lambda a: _report(a).convention.landlord.name),
    ("Axe", lambda a: str(a.axis)),
    ("Ligne d'action locale", lambda a: a.line.label if a.line else ""),
    ("Action", lambda a: a.title),
    ("Description", lambda a: a.description),
    ("Montant prévu (€)", lambda a: a.planned_amount),
    ("Montant réalisé (€)", lambda a: a.realised_amount),
    ("Logements concernés", lambda a: a.dwellings_concerned),
    ("Indicateurs", lambda a: a.indicators),
    ("Statut du bilan", lambda a: _report(a).get_state_display()),
]

PROGRAMME_COLUMNS = [
    ("Année", lambda p: p.report.year),
    ("Code QPV", lambda p: p.qpv.code),
    ("QPV", lambda p: p.qpv.name),
    ("SIREN du bailleur", lambda p: p.report.convention.landlord.siren),
    ("Bailleur", lambda p: p.report.convention.landlord.name),
    ("Logements du bailleur dans le QPV", lambda p: p.dwellings_count),
    ("Abattement (€)", lambda p: p.abatement_amount),
    ("Actions prévues (€)", lambda p: p.planned_total),
    ("Actions valorisées (€)", lambda p: p.realised_total),
    ("Valorisé / abattement (%)", lambda p: round(p.ratio, 1) if p.ratio is not None else None),
    ("Dont connexion internet (€)", lambda p: p.connectivity_total),
    ("Statut du bilan", lambda p: p.report.get_state_display()),
]


def actions_of(reports):
    return (
        Action.objects.filter(programme__report__in=reports)
        .select_related("programme__qpv", "programme__report__convention__landlord", "axis", "line")
        .order_by("programme__report__convention__landlord__name", "programme__qpv__code", "axis__number", "pk")
    )


def programmes_of(reports):
    return (
        Programme.objects.filter(report__in=reports)
        .select_related("qpv", "report__convention__landlord")
        .with_totals()
        .order_by("report__convention__landlord__name", "qpv__code")
    )


def report_xlsx(report):
    reports = [report.pk]
    return xlsx_bytes(
        [
            ("Actions", ACTION_COLUMNS, actions_of(reports).iterator()),
            ("Synthèse par QPV", PROGRAMME_COLUMNS, programmes_of(reports)),
        ]
    )


def year_xlsx(reports):
    """Every landlord's report of one year the user may see, for the city's own analysis."""
    return xlsx_bytes(
        [
            ("Actions", ACTION_COLUMNS, actions_of(reports).iterator()),
            ("Synthèse par bailleur et QPV", PROGRAMME_COLUMNS, programmes_of(reports)),
        ]
    )


def report_context(report):
    """What the steering committee's PDF shows: programmes, actions, opinions."""
    programmes = list(
        programmes_of([report.pk]).prefetch_related(
            Prefetch(
                "actions",
                Action.objects.select_related("axis", "line").prefetch_related(
                    Prefetch("comments", ActionComment.objects.select_related("review__party__organization"))
                ),
            )
        )
    )
    return {
        "report": report,
        "convention": report.convention,
        "programmes": programmes,
        "totals": totals_of(programmes),
        "reviews": ReportReview.objects.filter(report=report).select_related("party__organization", "by"),
        "printed_at": timezone.now(),
    }
