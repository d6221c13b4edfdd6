import datetime

import pytest
import time_machine
from django.urls import reverse

from leases.models import Lodging
from operators.models import Contract, ContractState
from subscriptions.models import EventSource, Rollout, Subscription, SubscriptionEvent
from subscriptions.rollout import start_rollout
from tests.subscriptions import factories

from .cast import LANDLORD_ACTS


@pytest.fixture(autouse=True)
def may_2025():
    with time_machine.travel(datetime.datetime(2025, 5, 12, 9, tzinfo=datetime.UTC), tick=False):
        yield


def url(contract):
    return reverse("subscriptions:contract_rollout", args=[contract.pk])


@pytest.mark.parametrize(("who", "status"), LANDLORD_ACTS.items())
def test_who_may_start_the_rollout(client_of, cast, contract, who, status):
    assert client_of(cast[who]).post(url(contract)).status_code == status
    assert Subscription.objects.exists() == (status == 302)


def test_starting_the_rollout_plans_every_dwelling_of_the_perimeter(client_of, cast, contract, tilleuls_dwellings):
    response = client_of(cast["landlord_member"]).post(url(contract), follow=True)
    assert "Déploiement lancé : 4 abonnements prévus." in response.content.decode()
    subscriptions = Subscription.objects.filter(contract=contract)
    assert {s.lodging_id for s in subscriptions} == {d.pk for d in tilleuls_dwellings}
    assert {(s.status, s.status_date) for s in subscriptions} == {("planned", datetime.date(2025, 5, 12))}
    events = SubscriptionEvent.objects.filter(subscription__contract=contract)
    assert events.count() == 4
    assert {(e.status, e.source, e.recorded_by_id) for e in events} == {
        ("planned", EventSource.ROLLOUT, cast["landlord_member"].pk)
    }
    rollout = Rollout.objects.get()
    assert (rollout.created_count, rollout.skipped_count, rollout.started_by) == (4, 0, cast["landlord_member"])


def test_run_again_it_adds_only_the_dwellings_that_joined(cast, contract, tilleuls):
    start_rollout(contract=contract, by=cast["landlord_admin"])
    factories.dwellings(tilleuls, 2)
    second = start_rollout(contract=contract, by=cast["landlord_admin"])
    assert second.created_count == 2
    assert Subscription.objects.count() == SubscriptionEvent.objects.count() == 6


def test_dwellings_that_left_the_stock_are_not_planned(cast, contract, tilleuls_dwellings):
    tilleuls_dwellings[0].leave_stock(reason="sold", on=datetime.date(2025, 3, 1))
    assert start_rollout(contract=contract, by=None).created_count == 3


def test_a_dwelling_served_by_another_live_contract_is_skipped(
    cast, landlord, operator2, contract, tilleuls, tilleuls_dwellings
):
    older = factories.contract(landlord, operator2, [tilleuls], start=datetime.date(2024, 1, 1))
    factories.subscribe(older, tilleuls_dwellings[0], ("active", datetime.date(2024, 2, 1)))
    rollout = start_rollout(contract=contract, by=None)
    assert (rollout.created_count, rollout.skipped_count) == (3, 1)


def test_a_pending_contract_cannot_be_rolled_out(client_of, cast, contract):
    Contract.objects.filter(pk=contract.pk).update(state=ContractState.PENDING)
    response = client_of(cast["landlord_admin"]).post(url(contract), follow=True)
    assert "Le déploiement commence une fois le marché signé" in response.content.decode()
    assert not Subscription.objects.exists()


def test_the_rollout_never_starts_before_the_contract(cast, contract):
    Contract.objects.filter(pk=contract.pk).update(start=datetime.date(2025, 6, 1))
    start_rollout(contract=contract, by=None)
    assert set(Subscription.objects.values_list("status_date", flat=True)) == {datetime.date(2025, 6, 1)}


def test_get_is_not_allowed(client_of, cast, contract):
    assert client_of(cast["landlord_admin"]).get(url(contract)).status_code == 405
    assert Lodging.objects.count() == 4
