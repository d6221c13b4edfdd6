"""Running a state-machine transition from a view: one way, everywhere (style.md).

- the wrong role gets 403 (PermissionDenied), whatever the state;
- a transition no longer possible (someone acted meanwhile, or a stale page) gets a friendly
  message, not a crash;
- the transition, its django-fsm-log row and the save() share one transaction;
- two people acting at once: ConcurrentTransitionMixin makes the second save fail, and the
  loser is told that someone changed the object meanwhile.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed

STALE_MESSAGE = "Action déjà effectuée ou devenue impossible : la page affichait un état dépassé."
CONCURRENT_MESSAGE = (
    "Quelqu'un a modifié cet élément au même moment. Votre action n'a pas été enregistrée : voici l'état actuel."
)


def user_may(obj, name, user):
    """Has `user` the role for transition `name`, whatever the current state?"""
    meta = getattr(obj, name)._django_fsm
    return any(t.has_perm(obj, user) for t in meta.transitions.values())


def run_transition(request, obj, name, *, success=None, **kwargs):
    """Apply transition `name` on `obj` by request.user; True when it happened."""
    if not user_may(obj, name, request.user):
        raise PermissionDenied
    method = getattr(obj, name)
    if not can_proceed(method):
        messages.warning(request, STALE_MESSAGE)
        return False
    try:
        with transaction.atomic():
            method(by=request.user, **kwargs)
            obj.save()
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
