"""Confirming an import: the file is checked again, then written in one short transaction."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_fsm_log.models import StateLog

from leases.models import ImportBatch, ImportKind, ImportState, Lodging
from tests.leases.conftest import HEADER, lodging_row, table, xlsx_bytes
from tests.leases.factories import ImportBatchFactory, LodgingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(landlord, landlord_admin, client_of, qpvs):
    """A two-dwelling extract uploaded by Alice, previewed and ready."""
    data = xlsx_bytes(table([lodging_row(1), lodging_row(2)], HEADER))
    client_of(landlord_admin).post(
        reverse("leases:import_upload", args=[ImportKind.LODGINGS]),
        {"landlord": landlord.pk, "file": SimpleUploadedFile("extrait.xlsx", data)},
    )
    return ImportBatch.objects.get(state=ImportState.READY)


def confirm(client, batch):
    return client.post(reverse("leases:import_confirm", args=[batch.pk]))


@pytest.mark.parametrize("role", ["landlord_admin", "landlord_member"])
def test_editor_confirms_and_the_stock_is_written(cast, client_of, ready, role):
    response = confirm(client_of(cast[role]), ready)
    assert response.url == ready.get_absolute_url()
    ready.refresh_from_db()
    assert ready.state == ImportState.APPLIED and ready.applied_at
    assert Lodging.objects.count() == 2
    assert not ready.stored_file
    assert StateLog.objects.for_(ready).filter(transition="confirm", by=cast[role]).exists()


def test_confirmed_by_the_worker_for_a_large_file(landlord_admin, client_of, ready, settings):
    settings.IMPORT_INLINE_MAX_BYTES = 10
    confirm(client_of(landlord_admin), ready)
    ready.refresh_from_db()
    assert ready.state == ImportState.APPLIED
    assert Lodging.objects.count() == 2


def test_stock_changed_since_the_preview_shows_a_new_preview(landlord_admin, client_of, landlord, ready):
    LodgingFactory(residence__landlord=landlord, rpls_id="0860000001", street_name="AILLEURS")
    confirm(client_of(landlord_admin), ready)
    ready.refresh_from_db()
    assert ready.state == ImportState.READY
    assert (ready.created_count, ready.updated_count) == (1, 1)
    assert ready.preview["revised"] is True
    assert Lodging.objects.count() == 1  # nothing written
    text = client_of(landlord_admin).get(ready.get_absolute_url()).text
    assert "Le parc a changé depuis le premier aperçu" in text


def test_errors_that_appeared_since_the_preview_refuse_the_import(landlord_admin, client_of, landlord2, ready):
    LodgingFactory(residence__landlord=landlord2, rpls_id="0860000002")
    confirm(client_of(landlord_admin), ready)
    ready.refresh_from_db()
    assert ready.state == ImportState.INVALID
    assert ready.errors[0]["line"] == 3
    assert Lodging.objects.filter(landlord=ready.landlord).count() == 0


def test_viewer_gets_403(landlord_viewer, client_of, ready):
    assert confirm(client_of(landlord_viewer), ready).status_code == 403
    ready.refresh_from_db()
    assert ready.state == ImportState.READY


@pytest.mark.parametrize("role", ["landlord2_admin", "city_admin", "operator_admin", "outsider"])
def test_strangers_get_404(cast, client_of, ready, role):
    assert confirm(client_of(cast[role]), ready).status_code == 404


def test_already_applied_gets_a_friendly_message(landlord_admin, client_of, landlord):
    batch = ImportBatchFactory(landlord=landlord, state=ImportState.APPLIED)
    response = confirm(client_of(landlord_admin), batch)
    assert response.status_code == 302
    assert "Action déjà effectuée" in client_of(landlord_admin).get(response.url).text


def test_get_is_not_allowed(landlord_admin, client_of, ready):
    assert client_of(landlord_admin).get(reverse("leases:import_confirm", args=[ready.pk])).status_code == 405
