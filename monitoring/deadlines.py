"""Run by `manage.py run_deadlines` (every minute): keep the monthly history of the stock right.

See monitoring/history.py for what is recomputed when; idempotent and cheap when nothing changed.
"""

from .history import refresh


def run(now):
    return refresh(now)
