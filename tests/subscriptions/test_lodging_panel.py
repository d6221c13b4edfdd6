"""The dwelling's page in the stock shows its subscription history and incidents (a detail panel:
leases never imports subscriptions)."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from leases.models import Lease
from subscriptions.models import Incident, Subscription

from .cast import SEES


@pytest.fixture
def suspended(world, tilleuls_dwellings, operator_admin):
    subscription = Subscription.objects.get(lodging=tilleuls_dwellings[2])
    Incident.objects.create(
        subscription=subscription,
        description="Fibre coupée dans la colonne montante",
        reported_at=timezone.now() - datetime.timedelta(hours=5),
        reported_by=operator_admin,
        reporter_side=Incident.Side.OPERATOR,
    )
    return subscription


def page(client, lodging):
    return html.unescape(client.get(reverse("leases:lodging_detail", args=[lodging.pk])).content.decode())


@pytest.mark.parametrize(("who", "status"), SEES.items())
def test_who_sees_the_dwelling_with_its_subscription(client_of, cast, suspended, who, status):
    response = client_of(cast[who]).get(reverse("leases:lodging_detail", args=[suspended.lodging_id]))
    assert response.status_code == status
    if status == 200:
        assert "Historique de l'abonnement" in html.unescape(response.content.decode())


def test_history_and_incidents_on_the_dwelling_page(client_of, cast, suspended):
    text = page(client_of(cast["landlord_member"]), suspended.lodging)
    assert "Suspendu</span> depuis le 01/03/2025" in text
    assert "Fibre coupée dans la colonne montante" in text
    assert "Marquer comme résolue" in text
    assert "Signaler une panne" in text
    assert "Enregistrer un statut" in text


def test_the_city_reads_without_acting(client_of, cast, suspended):
    text = page(client_of(cast["city_admin"]), suspended.lodging)
    assert "Historique de l'abonnement" in text
    assert "Signaler une panne" not in text
    assert "Contester" not in text


def test_a_dwelling_without_subscription_has_no_panel(client_of, cast, contract, tilleuls_dwellings):
    assert "Abonnement internet" not in page(client_of(cast["landlord_member"]), tilleuls_dwellings[0])


def test_the_landlord_sees_this_months_charge(client_of, cast, world, tilleuls_dwellings):
    lease = Lease.objects.get(lodging=tilleuls_dwellings[0])
    text = page(client_of(cast["landlord_viewer"]), tilleuls_dwellings[0])
    assert f"pour le bail {lease.reference} : <strong>2,67 € TTC</strong>" in text
    assert lease.reference not in page(client_of(cast["operator_admin"]), tilleuls_dwellings[0])
