"""An import's page: progress, preview or errors, and its history; the landlord's members only."""

import pytest
from django.urls import reverse

from leases.models import ImportState
from tests.leases.factories import ImportBatchFactory

pytestmark = pytest.mark.django_db


def test_progress_page_refreshes_itself_and_says_so(landlord_viewer, client_of, landlord):
    batch = ImportBatchFactory(landlord=landlord, state=ImportState.VALIDATING, total_rows=10_000, validated_rows=2_500)
    response = client_of(landlord_viewer).get(batch.get_absolute_url())
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in response.text  # without JavaScript
    assert "fetch(location.pathname" in response.text  # with it: the status line only
    assert 'role="status"' in response.text and "2\xa0500 lignes vérifiées sur 10\xa0000 (25 %)" in response.text
    assert "Vous pouvez quitter cette page" in response.text


def test_refresh_can_be_stopped(landlord_viewer, client_of, landlord):
    batch = ImportBatchFactory(landlord=landlord, state=ImportState.VALIDATING)
    response = client_of(landlord_viewer).get(batch.get_absolute_url() + "?auto=0")
    assert 'http-equiv="refresh"' not in response.text and "fetch(" not in response.text


def test_preview_shows_counts_samples_and_absent_dwellings(landlord_admin, client_of, landlord):
    batch = ImportBatchFactory(
        landlord=landlord,
        created_count=1,
        updated_count=1,
        unchanged_count=5,
        absent_count=1,
        total_rows=7,
        preview={
            "created": [{"line": 2, "rpls_id": "0860000001", "address": "12 RUE X, 86000 Poitiers"}],
            "updated": [{"line": 3, "rpls_id": "0860000002", "changes": [{"field": "voie", "old": "A", "new": "B"}]}],
            "absent": [{"rpls_id": "0860000009", "address": "1 RUE Y"}],
            "ignored": ["REG"],
        },
    )
    response = client_of(landlord_admin).get(batch.get_absolute_url())
    text = response.text
    assert "Aperçu : ce que l'import va changer" in text
    assert "0860000001" in text and "voie : A → B" in text and "0860000009" in text
    assert "Colonnes ignorées : REG" in text
    assert reverse("leases:import_confirm", args=[batch.pk]) in text
    assert reverse("leases:import_cancel", args=[batch.pk]) in text


def test_preview_offers_confirm_first_as_primary_then_abandon_as_danger(landlord_member, client_of, landlord):
    batch = ImportBatchFactory(landlord=landlord)
    text = client_of(landlord_member).get(batch.get_absolute_url()).text
    confirm = '<button type="submit" class="button">Confirmer l&#x27;import</button>'
    cancel = '<button type="submit" class="button button-danger">Abandonner</button>'
    assert confirm in text and cancel in text
    assert text.index(reverse("leases:import_confirm", args=[batch.pk])) < text.index(
        reverse("leases:import_cancel", args=[batch.pk])
    )


def test_viewer_sees_the_preview_without_the_buttons(landlord_viewer, client_of, landlord):
    batch = ImportBatchFactory(landlord=landlord)
    response = client_of(landlord_viewer).get(batch.get_absolute_url())
    assert response.status_code == 200
    assert reverse("leases:import_confirm", args=[batch.pk]) not in response.text


def test_refused_file_shows_its_errors(landlord_admin, client_of, landlord):
    batch = ImportBatchFactory(
        landlord=landlord,
        state=ImportState.INVALID,
        error_count=1,
        errors=[{"line": 4, "column": "DEPCOM", "value": "861", "message": "code INSEE de commune invalide"}],
    )
    text = client_of(landlord_admin).get(batch.get_absolute_url()).text
    assert "Fichier refusé : rien n'a été enregistré" in text
    assert "<td>4</td><td>DEPCOM</td><td>861</td><td>code INSEE de commune invalide</td>" in text


@pytest.mark.parametrize("role", ["landlord2_admin", "city_admin", "state_user", "operator_admin", "outsider"])
def test_strangers_get_404(cast, client_of, landlord, role):
    batch = ImportBatchFactory(landlord=landlord)
    assert client_of(cast[role]).get(batch.get_absolute_url()).status_code == 404
