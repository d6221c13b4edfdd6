"""E-mails about annual reports: sent after commit, one per person (the parties are different
organisations and need not see each other's addresses)."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import User

from .models import EDITORS, Report

SUBJECTS = {
    "submitted": "Bilan TFPB {year} de {landlord} : à examiner",
    "resubmitted": "Bilan TFPB {year} de {landlord} : corrigé, à examiner de nouveau",
    "returned": "Bilan TFPB {year} : renvoyé avec des observations",
    "validated": "Bilan TFPB {year} : validé par toutes les parties",
    "reminder": "Bilan TFPB {year} : à transmettre avant le {due:%d/%m/%Y}",
    "overdue": "Bilan TFPB {year} : la date de remise du {due:%d/%m/%Y} est dépassée",
}


def editors_of(organization_ids):
    """Active admins and members of these organisations, with their e-mail address."""
    return list(
        User.objects.filter(
            is_active=True, memberships__organization__in=organization_ids, memberships__role__in=EDITORS
        )
        .distinct()
        .values_list("email", flat=True)
    )


def _send(subject, template, context, recipients):
    body = render_to_string(template, {**context, "site_name": "Quartiers Connectés"})
    send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in recipients])
    return len(recipients)


def send_report_news(*, report_pk, event):
    """Tell the reviewers a report awaits them, or the landlord what became of its report."""
    report = Report.objects.select_related("convention__landlord").get(pk=report_pk)
    convention = report.convention
    if event in ("submitted", "resubmitted"):
        recipients = editors_of([p.organization_id for p in convention.reviewing_parties()])
    else:
        recipients = editors_of([convention.landlord_id])
    subject = SUBJECTS[event].format(year=report.year, landlord=convention.landlord)
    context = {"report": report, "event": event, "link": settings.SITE_URL + report.get_absolute_url()}
    return _send(subject, "emails/tfpb_report_news.txt", context, recipients)


def send_reminder(*, convention, year, overdue):
    """Remind the landlord's admins and members that the bilan of `year` is due (or late)."""
    due = convention.report_due_date(year)
    subject = SUBJECTS["overdue" if overdue else "reminder"].format(year=year, due=due)
    context = {
        "convention": convention,
        "year": year,
        "due": due,
        "overdue": overdue,
        "link": settings.SITE_URL + reverse("tfpb:convention_detail", args=[convention.pk]),
    }
    return _send(subject, "emails/tfpb_report_reminder.txt", context, editors_of([convention.landlord_id]))
