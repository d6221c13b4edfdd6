from django import template
from django.utils.html import format_html

register = template.Library()

BADGES = {
    "signed": "badge-info",
    "in_force": "badge-ok",
    "submitted": "badge-info",
    "resubmitted": "badge-info",
    "returned": "badge-warn",
    "validated": "badge-ok",
}


@register.simple_tag
def state_badge(obj):
    """The state of a convention or a report as a badge (the text says it; the colour only helps)."""
    return format_html('<span class="badge {}">{}</span>', BADGES.get(obj.state, ""), obj.get_state_display())


@register.simple_tag
def on_time_badge(value):
    if value is None:
        return ""
    if value:
        return format_html('<span class="badge badge-ok">{}</span>', "dans le délai")
    return format_html('<span class="badge badge-danger">{}</span>', "hors délai")
