"""E-mails about adhesions: the invitation, and the reminder sent by deadlines.py."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string


def _send(signature, template, subject, **extra):
    recipients = signature.recipients()
    if not recipients:
        return
    context = {
        "signature": signature,
        "charter": signature.charter,
        "city": signature.charter.city,
        "organization": signature.organization,
        "link": settings.SITE_URL + signature.get_absolute_url(),
        "public_link": settings.SITE_URL + signature.charter.get_public_url(),
        "site_name": settings.SITE_NAME,
        **extra,
    }
    send_mail(subject=subject, message=render_to_string(template, context), from_email=None, recipient_list=recipients)


def send_invitation(signature):
    charter = signature.charter
    _send(
        signature,
        "emails/charter_invitation.txt",
        f"{charter.city} vous invite à signer la charte « {charter.title} »",
    )


def send_reminder(signature, delay_days):
    charter = signature.charter
    _send(
        signature,
        "emails/charter_reminder.txt",
        f"Rappel : la charte « {charter.title} » attend votre réponse",
        delay_days=delay_days,
    )
