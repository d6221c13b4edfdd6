import io

from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from monitoring.models import HistoryState, MonthlyStock


def test_the_demo_has_its_monthly_history_and_the_city_dashboard_opens(db, settings, client):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=io.StringIO())  # idempotent
    assert "Suivi : historique mensuel recalculé" in out.getvalue()
    assert HistoryState.objects.get().last_month is not None
    assert MonthlyStock.objects.filter(equipped__gt=0).exists()
    client.force_login(User.objects.get(email="ville@demo.quartiers-connectes.fr"))
    response = client.get(reverse("monitoring:dashboard"), {"qpv": "QN08604M"})
    assert response.status_code == 200
    assert "Trois Cités (QN08604M)" in response.content.decode()
