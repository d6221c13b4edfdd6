"""Abandoning an import before it is confirmed: nothing written, the file forgotten."""

import pytest
from django.urls import reverse

from leases.models import ImportState
from tests.leases.factories import ImportBatchFactory

pytestmark = pytest.mark.django_db


def cancel(client, batch):
    return client.post(reverse("leases:import_cancel", args=[batch.pk]))


@pytest.fixture
def ready(landlord, private_media):
    path = private_media / "imports" / "x.xlsx"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"...")
    return ImportBatchFactory(landlord=landlord, stored_file="imports/x.xlsx")


def test_member_abandons_and_the_file_is_deleted(landlord_member, client_of, ready, private_media):
    response = cancel(client_of(landlord_member), ready)
    assert response.url == ready.get_absolute_url()
    ready.refresh_from_db()
    assert ready.state == ImportState.CANCELLED and not ready.stored_file
    assert not (private_media / "imports" / "x.xlsx").exists()


def test_a_check_in_progress_can_be_abandoned(landlord_admin, client_of, landlord):
    batch = ImportBatchFactory(landlord=landlord, state=ImportState.VALIDATING)
    cancel(client_of(landlord_admin), batch)
    batch.refresh_from_db()
    assert batch.state == ImportState.CANCELLED


def test_viewer_gets_403(landlord_viewer, client_of, ready):
    assert cancel(client_of(landlord_viewer), ready).status_code == 403


@pytest.mark.parametrize("role", ["landlord2_admin", "city_admin", "operator_admin", "outsider"])
def test_strangers_get_404(cast, client_of, ready, role):
    assert cancel(client_of(cast[role]), ready).status_code == 404


def test_an_applied_import_cannot_be_abandoned(landlord_admin, client_of, landlord):
    batch = ImportBatchFactory(landlord=landlord, state=ImportState.APPLIED)
    cancel(client_of(landlord_admin), batch)
    batch.refresh_from_db()
    assert batch.state == ImportState.APPLIED
