"""The rollout in the open data: implementation releases with the contract's counts (issue 5, domain.md §8)."""

import datetime
import json

import pytest
import time_machine
from django.utils import timezone

from operators.models import Contract, ContractState, Release, ensure_rules_seeded
from operators.releases import record_release, release_package
from subscriptions import deadlines
from subscriptions.models import EventSource, Subscription, SubscriptionStatus
from subscriptions.rollout import start_rollout
from tests.operators.factories import tender_at
from tests.operators.ocds_schema import validation_errors


@pytest.fixture
def contract(landlord, landlord_admin, operator, operator_admin, operator2, operator2_admin):
    """Habitat du Clain's tender over 10 dwellings, contracted with FibreCité today, its releases
    recorded up to the contract."""
    ensure_rules_seeded()
    bidders = [(operator, operator_admin, "9.87", ""), (operator2, operator2_admin, "11.23", "")]
    tender = tender_at("contracted", landlord=landlord, landlord_user=landlord_admin, bidders=bidders)
    for tag in ("tender", "tenderUpdate", "award", "contract"):
        record_release(tender=tender, tag=tag)
    return Contract.objects.get(tender=tender)


@pytest.fixture
def rolled_out(contract, landlord_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        start_rollout(contract=contract, by=landlord_admin)
    return contract


def milestones(release):
    return {m["id"]: m for m in release.data["contracts"][0]["implementation"]["milestones"]}


def last_release():
    return Release.objects.order_by("pk").last()


def record(contract, count, status, by):
    day = timezone.localdate()
    for subscription in Subscription.objects.filter(contract=contract).order_by("pk")[:count]:
        subscription.record(status=status, effective_date=day, by=by, source=EventSource.OPERATOR)


def test_starting_the_rollout_publishes_its_counts(rolled_out):
    release = last_release()
    assert release.tag == "implementation"
    found = milestones(release)
    assert list(found) == ["deploiement", "box-installees", "service-actif"]
    assert (found["deploiement"]["status"], found["deploiement"]["dateMet"][:10]) == (
        "met",
        f"{timezone.localdate():%Y-%m-%d}",
    )
    assert "10 logements du périmètre inscrits au plan" in found["deploiement"]["description"]
    assert found["box-installees"]["status"] == found["service-actif"]["status"] == "notMet"
    assert "0 logement sur 10 équipés d'une box" in found["box-installees"]["description"]
    assert {m["type"] for m in found.values()} == {"delivery"}


def test_the_package_validates_and_names_no_dwelling(rolled_out):
    package = release_package(Release.objects.order_by("pk"))
    assert validation_errors(package) == []
    text = json.dumps(package, ensure_ascii=False)
    for rpls_id in rolled_out.lodgings().values_list("rpls_id", flat=True):
        assert rpls_id not in text


def test_a_second_rollout_is_an_implementation_update(rolled_out, landlord_admin, django_capture_on_commit_callbacks):
    from tests.subscriptions.factories import dwellings

    dwellings(rolled_out.residences.get(), 2)
    with django_capture_on_commit_callbacks(execute=True):
        start_rollout(contract=rolled_out, by=landlord_admin)
    assert list(Release.objects.filter(tag__startswith="implementation").values_list("tag", flat=True)) == [
        "implementation",
        "implementationUpdate",
    ]
    assert "12 logements du périmètre" in milestones(last_release())["deploiement"]["description"]


def test_a_rollout_that_plans_nothing_publishes_nothing(rolled_out, landlord_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        start_rollout(contract=rolled_out, by=landlord_admin)
    assert Release.objects.filter(tag__startswith="implementation").count() == 1


def test_each_month_the_counts_are_published_once(rolled_out, operator_admin):
    assert deadlines.run(timezone.now()) is None  # the rollout's release is this month's
    record(rolled_out, 6, SubscriptionStatus.INSTALLED, operator_admin)
    record(rolled_out, 3, SubscriptionStatus.ACTIVE, operator_admin)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=32), tick=False):
        assert deadlines.run(timezone.now()) == "1 publication(s) OCDS du déploiement (données ouvertes)."
        assert deadlines.run(timezone.now()) is None
    release = last_release()
    assert release.tag == "implementationUpdate"
    found = milestones(release)
    assert found["box-installees"]["status"] == found["service-actif"]["status"] == "partiallyMet"
    assert "6 logements sur 10 équipés d'une box" in found["box-installees"]["description"]
    assert "4 encore à équiper" in found["box-installees"]["description"]
    assert "3 logements sur 10 avec le service actif" in found["service-actif"]["description"]
    assert validation_errors(release_package(Release.objects.order_by("pk"))) == []


def test_milestones_are_met_once_every_dwelling_is_active(rolled_out, operator_admin):
    record(rolled_out, 10, SubscriptionStatus.ACTIVE, operator_admin)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=32), tick=False):
        deadlines.run(timezone.now())
    found = milestones(last_release())
    today = f"{timezone.localdate():%Y-%m-%d}"
    assert [(m["status"], m["dateMet"][:10]) for m in found.values()] == [("met", today)] * 3


def test_an_ended_contract_is_not_published_monthly(rolled_out):
    Contract.objects.filter(pk=rolled_out.pk).update(state=ContractState.TERMINATED)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=32), tick=False):
        assert deadlines.publish_implementation(timezone.now()) is None


def test_a_contract_without_published_releases_is_left_out(landlord, operator, landlord_admin):
    from tests.subscriptions import factories

    residence = factories.residence(landlord)
    factories.dwellings(residence, 2)
    draft = factories.contract(landlord, operator, [residence], start=timezone.localdate())
    start_rollout(contract=draft, by=landlord_admin)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=32), tick=False):
        assert deadlines.run(timezone.now()) is None
    assert not Release.objects.exists()


def test_the_contract_release_of_a_rolled_out_contract_carries_the_milestones(rolled_out):
    release = record_release(tender=rolled_out.tender, tag="contractTermination", contract=rolled_out)
    assert list(milestones(release)) == ["deploiement", "box-installees", "service-actif"]
