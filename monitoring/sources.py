"""What monitoring reads from apps that may not be installed yet: internet subscriptions.

The dashboards are built with the "active subscriptions" figures in place: while the
subscriptions app is not installed, `active_condition()` is None and every such figure says
« pas encore suivi » instead of a number; monitoring/history.py has the matching
`subscription_spans()` for the monthly history. Plugging subscriptions in means filling these two.
"""

from django.apps import apps


def subscriptions_tracked():
    return apps.is_installed("subscriptions") and active_condition() is not None


def active_condition():
    """Q over Lodging: the dwelling has an active subscription today (None: not tracked yet)."""
    return None
