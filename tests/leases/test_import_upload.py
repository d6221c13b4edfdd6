"""Uploading a spreadsheet: who may, what is checked at once, and where the user lands."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from leases.models import ImportBatch, ImportKind, ImportState, Lodging
from tests.leases.conftest import HEADER, lodging_row, table, xlsx_bytes

pytestmark = pytest.mark.django_db
URL = reverse("leases:import_upload", args=[ImportKind.LODGINGS])


def upload(client, landlord, data=None, name="extrait.xlsx"):
    data = xlsx_bytes(table([lodging_row(n) for n in (1, 2)], HEADER)) if data is None else data
    return client.post(URL, {"landlord": landlord.pk, "file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize("role", ["landlord_admin", "landlord_member"])
def test_landlord_editor_uploads_and_sees_the_preview(cast, client_of, landlord, qpvs, role):
    response = upload(client_of(cast[role]), landlord)
    batch = ImportBatch.objects.get()
    assert response.url == batch.get_absolute_url()
    assert (batch.state, batch.created_count, batch.created_by, batch.file_name) == (
        ImportState.READY,
        2,
        cast[role],
        "extrait.xlsx",
    )
    assert not Lodging.objects.exists()  # nothing before the confirmation


def test_large_file_is_checked_by_the_worker(landlord_admin, client_of, landlord, qpvs, settings):
    settings.IMPORT_INLINE_MAX_BYTES = 10  # tests run tasks at once: the same outcome, through the task
    upload(client_of(landlord_admin), landlord)
    assert ImportBatch.objects.get().state == ImportState.READY


def test_form_page_lists_the_columns_and_the_template(landlord_admin, client_of):
    response = client_of(landlord_admin).get(URL)
    assert response.status_code == 200
    assert "NOMVOIE" in response.text
    assert reverse("leases:import_template", args=["lodgings"]) in response.text


def test_file_with_errors_ends_refused_with_its_errors(landlord_admin, client_of, landlord, qpvs):
    data = xlsx_bytes(table([lodging_row(1, DEPCOM="X")], HEADER))
    upload(client_of(landlord_admin), landlord, data)
    batch = ImportBatch.objects.get()
    assert batch.state == ImportState.INVALID
    assert batch.errors[0]["line"] == 2 and batch.errors[0]["column"] == "DEPCOM"
    assert not batch.stored_file  # the file is not kept


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [("parc.ods", b"x", "Seuls les fichiers"), ("vide.xlsx", b"", "vide")],
)
def test_wrong_extension_or_empty_file_is_refused_on_the_form(landlord_admin, client_of, landlord, name, data, message):
    response = upload(client_of(landlord_admin), landlord, data, name)
    assert response.status_code == 200
    assert message in response.text
    assert not ImportBatch.objects.exists()


def test_file_over_the_limit_is_refused_on_the_form(landlord_admin, client_of, landlord, settings):
    settings.IMPORT_MAX_BYTES = 100
    response = upload(client_of(landlord_admin), landlord)
    assert "trop volumineux" in response.text
    assert not ImportBatch.objects.exists()


def test_cannot_upload_for_another_landlord(landlord_admin, client_of, landlord2, qpvs):
    response = upload(client_of(landlord_admin), landlord2)
    assert response.status_code == 200
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("role", ["landlord_viewer", "city_admin", "state_user", "operator_admin", "outsider"])
def test_others_get_403(cast, client_of, landlord, role):
    client = client_of(cast[role])
    assert client.get(URL).status_code == 403
    assert upload(client, landlord).status_code == 403
    assert not ImportBatch.objects.exists()


def test_unknown_kind_is_404(landlord_admin, client_of):
    assert client_of(landlord_admin).get(reverse("leases:import_upload", args=["bids"])).status_code == 404


def test_anonymous_is_sent_to_login(client):
    assert client.get(URL).url.startswith(reverse("accounts:login"))
