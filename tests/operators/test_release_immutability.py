"""A stored release is final: what the open data said at the time is never rewritten."""

import copy

import pytest

from operators.models import ImmutableRelease, Release, Tender
from operators.releases import published_releases, record_release, release_package
from tests.operators.factories import sign_contract


@pytest.fixture
def release(tender):
    return record_release(tender=tender, tag="tender")


def test_a_stored_release_cannot_be_changed(release):
    release.data = {"rewritten": True}
    with pytest.raises(ImmutableRelease):
        release.save()
    with pytest.raises(ImmutableRelease):
        Release.objects.filter(pk=release.pk).update(data={})
    with pytest.raises(ImmutableRelease):
        Release.objects.bulk_update([release], ["data"])
    assert Release.objects.get().data["tender"]["title"] == release.tender.title


def test_a_stored_release_cannot_be_deleted(release):
    with pytest.raises(ImmutableRelease):
        release.delete()
    with pytest.raises(ImmutableRelease):
        Release.objects.all().delete()
    assert Release.objects.count() == 1


def test_the_award_release_stays_as_it_was_when_the_tender_changes_afterwards(staged, landlord_admin, operator_admin):
    tender = staged("awarded")
    award = record_release(tender=tender, tag="award")
    before = copy.deepcopy(award.data)
    Tender.objects.filter(pk=tender.pk).update(title="Objet corrigé après coup", description="Autre texte")
    sign_contract(tender.contract, landlord_admin, operator_admin)
    record_release(tender=tender, tag="contract")

    stored = Release.objects.get(pk=award.pk)
    assert stored.data == before and stored.data["contracts"][0]["status"] == "pending"
    exported = release_package(published_releases())["releases"]
    assert [r["tender"]["title"] for r in exported] == [tender.title, "Objet corrigé après coup"]
    assert exported[0] == before
