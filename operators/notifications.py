"""E-mails of the tender's life, sent after the transaction commits (style.md).

One message per person: operators competing on a tender never see each other's addresses.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from accounts.models import User


def people_of(*organizations):
    return list(
        User.objects.filter(is_active=True, memberships__organization__in=organizations).distinct().order_by("email")
    )


def send(template, recipients, context):
    """templates/emails/operators/<template>.txt: first line is the subject."""
    context = {**context, "site_url": settings.SITE_URL}
    for user in recipients:
        text = render_to_string(f"emails/operators/{template}.txt", {**context, "recipient": user})
        subject, _, body = text.strip().partition("\n")
        send_mail(subject.strip(), body.strip() + "\n", None, [user.email])


def later(template, organizations, **context):
    """Send once the current transaction commits (nothing is sent for a rolled-back action)."""
    organizations = list(organizations)
    transaction.on_commit(lambda: send(template, people_of(*organizations), context))
