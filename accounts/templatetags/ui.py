from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.urls import reverse
from django.utils.formats import number_format
from django_fsm_log.models import StateLog

register = template.Library()


@register.inclusion_tag("includes/history.html")
def history(obj):
    """The transition history of a state machine object ("Historique")."""
    logs = list(StateLog.objects.for_(obj).select_related("by").order_by("timestamp", "pk"))
    field = next(f for f in obj._meta.fields if f.__class__.__name__.startswith("FSM"))
    labels = dict(field.flatchoices)
    rows = [
        {
            "timestamp": log.timestamp,
            "by": log.by,
            "source": labels.get(log.source_state, log.source_state or "—"),
            "state": labels.get(log.state, log.state),
            "description": log.description,
        }
        for log in logs
    ]
    return {"rows": rows}


@register.inclusion_tag("includes/transition_buttons.html", takes_context=True)
def transition_buttons(context, obj, field="state"):
    """Buttons for the transitions the current user may run now (never drift from the rules).

    Shown in declaration order, unless `custom={"order": n}` says otherwise (lower first;
    transitions without it count as 0 and keep their order among themselves).
    """
    user = context["request"].user
    available = getattr(obj, f"get_available_user_{field}_transitions")(user)
    buttons = []
    for transition in sorted(available, key=lambda t: (t.custom or {}).get("order", 0)):
        custom = transition.custom or {}
        if custom.get("hidden"):
            continue
        url_name = custom.get("url_name") or f"{obj._meta.app_label}:{obj._meta.model_name}_{transition.name}"
        buttons.append(
            {
                "label": custom.get("label", transition.name),
                "url": reverse(url_name, args=[obj.pk]),
                "form": custom.get("form", False),
                "danger": custom.get("danger", False),
            }
        )
    return {"buttons": buttons, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("includes/field.html")
def field(bound_field, hint=""):
    return {"field": bound_field, "hint": hint or bound_field.help_text}


@register.filter
def euros(value, places=2):
    """1234.5 -> « 1 234,50 € » (French formatting)."""
    if value is None or value == "":
        return "—"
    quantum = Decimal(1).scaleb(-int(places))
    value = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{number_format(value, decimal_pos=int(places), force_grouping=True)} €"


@register.filter
def percent(value, places=0):
    if value is None:
        return "—"
    return f"{number_format(round(float(value), int(places)), decimal_pos=int(places))} %"
