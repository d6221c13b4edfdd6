"""Open-data hooks (OCDS 1.1.5, domain.md §8): each event of a tender becomes an immutable release.

The tender's life calls `release_on_commit(...)` at each event, once the transaction that made the
event is committed: a rolled-back award never reaches the open data. `record_release` is filled by
the open-data export (it builds the release from the objects as they stand at that moment and
stores it as an `operators.models.Release`, never regenerated later).

Events and their OCDS tags:
- "tender": publication;             - "tenderAmendment": corrective notice (`amendment`);
- "tenderUpdate": bids opened (bid statistics), or declared unsuccessful;
- "tenderCancellation": sans suite; - "award": award (`contract` is the pending contract);
- "contract": contract signed;      - "contractTermination": contract terminated or expired.
"""

from django.db import transaction


def record_release(*, tender, tag, amendment=None, contract=None):
    """Store the OCDS release of one event. Left empty here: the open-data export fills it."""


def release_on_commit(*, tender, tag, amendment=None, contract=None):
    transaction.on_commit(lambda: record_release(tender=tender, tag=tag, amendment=amendment, contract=contract))
