import pytest
from django.urls import reverse

from tests.subscriptions import factories

from .cast import SEES


def url(contract):
    return reverse("subscriptions:contract_detail", args=[contract.pk])


@pytest.mark.parametrize(("who", "status"), SEES.items())
def test_who_sees_the_rollout_of_a_contract(client_of, cast, world, who, status):
    assert client_of(cast[who]).get(url(world)).status_code == status


def test_the_landlord_sees_the_funnel_against_the_perimeter(client_of, cast, world, tilleuls):
    factories.dwellings(tilleuls, 1)  # joined the perimeter after the rollout
    page = client_of(cast["landlord_admin"]).get(url(world)).content.decode()
    assert "Logements du périmètre" in page
    assert "Lancer le déploiement (1 logement)" in page
    assert "dont 1 sans abonnement prévu" in page


def test_the_operator_may_report_but_not_roll_out(client_of, cast, world):
    page = client_of(cast["operator_admin"]).get(url(world)).content.decode()
    assert "Déposer un rapport" in page
    assert "Lancer le déploiement" not in page


def test_the_list_of_dwellings_filters_by_status(client_of, cast, world):
    page = client_of(cast["landlord_admin"]).get(url(world), {"statut": "suspended"}).content.decode()
    assert page.count('class="badge badge-warn">Suspendu') == 1


def test_constant_queries_whatever_the_number_of_dwellings(
    client_of, cast, world, tilleuls, django_assert_max_num_queries
):
    import datetime

    client = client_of(cast["landlord_admin"])
    client.get(url(world))
    with django_assert_max_num_queries(60) as small:
        client.get(url(world))
    factories.activate_all(world, factories.dwellings(tilleuls, 30), datetime.date(2025, 4, 1))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url(world))


def test_repair_delays_of_the_contract(client_of, cast, world, tilleuls_dwellings, operator_admin):
    import datetime

    from django.utils import timezone

    from subscriptions.models import Incident, Subscription

    subscription = Subscription.objects.get(lodging=tilleuls_dwellings[0])
    now = timezone.now()
    for hours, resolved in [(10, True), (30, True), (50, True), (5, False)]:
        Incident.objects.create(
            subscription=subscription,
            description="Panne",
            reported_at=now - datetime.timedelta(hours=hours + 1),
            resolved_at=now - datetime.timedelta(hours=1) if resolved else None,
            state="resolved" if resolved else "reported",
            reported_by=operator_admin,
            reporter_side="operator",
        )
    page = client_of(cast["city_admin"]).get(url(world)).content.decode()
    assert 'Délai médian de rétablissement</dt><dd class="stat">30 h' in page
    assert 'Délai le plus long</dt><dd class="stat">50 h' in page
