"""What the dashboards read from the subscriptions app today: dwellings by subscription status.

A dwelling counts once, whatever the number of its subscriptions (one per contract; a new contract
may start before the old one's end is reported): "active" when one of them is active, and so on
down the rollout. The monthly history counts the same way (history.subscription_ctes).
"""

from django.db.models import Count, Q

from subscriptions.models import SubscriptionStatus

S = SubscriptionStatus
# The rollout's stages, each a set of subscription statuses; a dwelling is at a stage when one of
# its subscriptions has one of these statuses (so the stages are nested, as a funnel's are).
STAGES = {
    "planned": [S.PLANNED, S.INSTALLED, S.ACTIVE, S.SUSPENDED],  # the rollout reached it, not ended
    "installed": [S.INSTALLED, S.ACTIVE, S.SUSPENDED],  # its box is in
    "active": [S.ACTIVE],
    "suspended": [S.SUSPENDED],
}


def by_group(scope, qpv=None, landlord=None):
    """{(qpv_id, landlord_id): {stage: dwellings}} of the scope's dwellings in stock, in one query."""
    rows = (
        scope.narrow_subscriptions(scope.subscriptions(), qpv, landlord)
        .filter(lodging__exit_reason="")
        .values("lodging__qpv_id", "lodging__landlord_id")
        .annotate(
            **{
                stage: Count("lodging", distinct=True, filter=Q(status__in=statuses))
                for stage, statuses in STAGES.items()
            }
        )
        .order_by()
    )
    return {(row.pop("lodging__qpv_id"), row.pop("lodging__landlord_id")): row for row in rows}
