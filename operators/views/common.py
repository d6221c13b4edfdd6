"""What the operators' views share: running a transition with what it brings along, serving
private files, the tender page's tabs."""

import hashlib

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.urls import reverse
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed

from accounts.models import Kind
from accounts.transitions import CONCURRENT_MESSAGE, STALE_MESSAGE, user_may


def run(request, obj, name, *, before=None, then=None, success=None, **kwargs):
    """accounts.transitions.run_transition, plus what the transition brings along: `before` and
    `then` run in the same transaction (another row's transition, the contract, the letters).
    The stale-object check (ConcurrentTransitionMixin) fires at obj.save(), before `then`."""
    if not user_may(obj, name, request.user):
        raise PermissionDenied
    method = getattr(obj, name)
    if not can_proceed(method):
        messages.warning(request, STALE_MESSAGE)
        return False
    try:
        with transaction.atomic():
            if before:
                before()
            method(by=request.user, **kwargs)
            obj.save()
            if then:
                then()
    except ConcurrentTransition:
        messages.error(request, CONCURRENT_MESSAGE)
        return False
    except TransitionNotAllowed:
        messages.warning(request, STALE_MESSAGE)
        return False
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    if success:
        messages.success(request, success)
    return True


def fingerprint(upload):
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def serve(field_file, filename):
    """A private file, sent only after the caller checked access."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


def acting_operator(user):
    """The operator organisation a user answers for (admin or member)."""
    for membership in user.memberships_cached:
        if membership.organization.kind == Kind.OPERATOR and membership.role in ("admin", "member"):
            return membership.organization
    return None


def operator_ids(user):
    return {m.organization_id for m in user.memberships_cached if m.organization.kind == Kind.OPERATOR}


def form_errors_to_messages(request, form):
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


TABS = [
    ("detail", "Présentation", "operators:tender_detail"),
    ("perimeter", "Périmètre", "operators:tender_perimeter"),
    ("questions", "Questions-réponses", "operators:tender_questions"),
    ("bids", "Offres", "operators:tender_bids"),
    ("evaluation", "Évaluation", "operators:tender_evaluation"),
    ("award", "Attribution", "operators:tender_award_tab"),
]


def tender_tabs(tender, user, current):
    is_landlord = user.has_role(tender.landlord)
    tabs = []
    for key, label, url_name in TABS:
        if key == "evaluation" and not (is_landlord and tender.is_opened):
            continue
        if key == "bids" and not is_landlord and operator_ids(user) and not user.has_territory:
            label = "Mes offres"
        tabs.append({"key": key, "label": label, "url": reverse(url_name, args=[tender.pk]), "current": key == current})
    return tabs
