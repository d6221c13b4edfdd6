import io

import pytest
from django.core.management import call_command

from charter.measures import measures_of
from charter.models import Charter, ProgressStatus, Signature


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def statuses(signature):
    commitments = list(signature.commitments.select_related("kind", "signature"))
    measures = measures_of(commitments)
    return {c.kind.code: c.progress(measures[c.pk]).status for c in commitments}


def test_demo_charter_has_one_landlord_on_track_one_late_one_invited_one_operator(demo):
    charter = Charter.objects.get(city__siren="200069854")
    assert charter.state == "open"
    assert set(charter.qpvs.values_list("code", flat=True)) == {"QN08603M", "QN08604M", "QN08605M", "QN08606M"}
    by_siren = {s.organization.siren: s for s in charter.signatures.select_related("organization")}
    assert statuses(by_siren["501234561"])["equipped_share"] == ProgressStatus.ON_TRACK
    assert statuses(by_siren["502345671"])["equipped_share"] == ProgressStatus.LATE
    assert by_siren["503456782"].state == Signature.State.INVITED
    operator = by_siren["412345670"]
    assert operator.state == Signature.State.SIGNED
    operator_statuses = statuses(operator)
    assert operator_statuses.pop("repair_delay") == ProgressStatus.MET  # measured from the subscriptions demo
    assert set(operator_statuses.values()) == {ProgressStatus.NOT_YET_MEASURABLE}
    assert by_siren["501234561"].fingerprint == charter.fingerprint


def test_demo_is_idempotent(demo):
    call_command("seed_demo", stdout=io.StringIO())
    assert Charter.objects.count() == 1
    assert Signature.objects.count() == 4
