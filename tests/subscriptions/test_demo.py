import io

from django.core.management import call_command

from subscriptions.models import (
    Incident,
    LegalBasis,
    OperatorInvoice,
    OperatorReport,
    Regularisation,
    Subscription,
    SubscriptionStatus,
)


def test_the_demo_rolls_out_the_trois_cites_contract(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # idempotent
    subscriptions = Subscription.objects.filter(contract__reference="DEMO-2026-01")
    assert subscriptions.count() > 170
    statuses = set(subscriptions.values_list("status", flat=True))
    assert {SubscriptionStatus.PLANNED, SubscriptionStatus.INSTALLED, SubscriptionStatus.ACTIVE} <= statuses
    assert SubscriptionStatus.SUSPENDED in statuses
    assert OperatorReport.objects.count() == 2
    bases = {b.residence.name: b for b in LegalBasis.objects.select_related("residence")}
    assert bases["Les Tilleuls"].state == "in_force" and bases["Les Tilleuls"].votes.get().outcome == "carried"
    assert bases["Résidence du Clos Gaultier"].kind == "individual_opt_in"
    assert set(Incident.objects.values_list("state", flat=True)) == {"reported", "resolved"}
    assert OperatorInvoice.objects.exists()
    regularisation = Regularisation.objects.get()
    assert regularisation.state == "sent" and regularisation.lines.exists()
