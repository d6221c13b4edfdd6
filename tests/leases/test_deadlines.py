"""Uploaded files are not kept: a preview left a week is abandoned, a stalled check refused."""

import datetime

import pytest
from django.utils import timezone

from leases.deadlines import run
from leases.models import ImportBatch, ImportState
from tests.leases.factories import ImportBatchFactory

pytestmark = pytest.mark.django_db


def aged(days, **kwargs):
    batch = ImportBatchFactory(**kwargs)
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - datetime.timedelta(days=days))
    return batch


def test_a_preview_left_a_week_is_abandoned_and_its_file_deleted(landlord, private_media):
    (private_media / "imports").mkdir(parents=True)
    (private_media / "imports" / "x.xlsx").write_bytes(b"...")
    old = aged(8, landlord=landlord, stored_file="imports/x.xlsx")
    recent = aged(2, landlord=landlord)
    assert "1 aperçu(s) abandonné(s)" in run(timezone.now())
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.state, old.stored_file, recent.state) == (ImportState.CANCELLED, "", ImportState.READY)
    assert not (private_media / "imports" / "x.xlsx").exists()


def test_a_check_stalled_for_a_day_ends_refused(landlord):
    stalled = aged(2, landlord=landlord, state=ImportState.VALIDATING)
    running = aged(0, landlord=landlord, state=ImportState.VALIDATING)
    run(timezone.now())
    stalled.refresh_from_db()
    running.refresh_from_db()
    assert (stalled.state, running.state) == (ImportState.INVALID, ImportState.VALIDATING)


def test_nothing_to_do_twice_in_a_row(landlord):
    aged(8, landlord=landlord)
    assert run(timezone.now())
    assert run(timezone.now()) is None
