"""Invitations: a membership created for an e-mail address, and a link to choose a password."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import Membership, User


class AlreadyMember(Exception):
    pass


def invite_member(*, organization, email, role, by, full_name=""):
    """Add `email` to `organization` with `role`; create the account if needed; send the e-mail.

    Raises AlreadyMember when the address already belongs to the organisation.
    """
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User(email=email, full_name=full_name.strip())
        user.set_unusable_password()
        user.save()
    elif Membership.objects.filter(user=user, organization=organization).exists():
        raise AlreadyMember
    membership = Membership.objects.create(user=user, organization=organization, role=role, invited_by=by)
    transaction.on_commit(lambda: send_invitation(membership, new_account=not user.has_usable_password()))
    return membership


def invitation_link(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("accounts:password_reset_confirm", args=[uid, token])


def send_invitation(membership, *, new_account):
    context = {
        "membership": membership,
        "organization": membership.organization,
        "inviter": membership.invited_by,
        "link": invitation_link(membership.user) if new_account else settings.SITE_URL + reverse("home"),
        "new_account": new_account,
        "site_name": settings.SITE_NAME,
    }
    send_mail(
        subject=f"Invitation à rejoindre {membership.organization} sur {settings.SITE_NAME}",
        message=render_to_string("emails/invitation.txt", context),
        from_email=None,
        recipient_list=[membership.user.email],
    )
