"""The stock's history: the imports of the user's landlords."""

import pytest
from django.urls import reverse

from leases.models import ImportBatch, ImportState
from tests.leases.factories import ImportBatchFactory

pytestmark = pytest.mark.django_db
URL = reverse("leases:import_list")


def test_landlord_member_sees_its_imports_only(landlord_viewer, client_of, landlord, landlord2):
    ImportBatchFactory(landlord=landlord, file_name="le-notre.xlsx", state=ImportState.APPLIED, created_count=42)
    ImportBatchFactory(landlord=landlord2, file_name="le-leur.xlsx")
    response = client_of(landlord_viewer).get(URL)
    assert response.status_code == 200
    assert "le-notre.xlsx" in response.text and "le-leur.xlsx" not in response.text
    assert "Enregistré" in response.text
    assert reverse("leases:import_upload", args=["lodgings"]) not in response.text  # a viewer uploads nothing


def test_editor_gets_the_upload_links_and_templates(landlord_admin, client_of):
    text = client_of(landlord_admin).get(URL).text
    for kind in ("lodgings", "leases", "equipment"):
        assert reverse("leases:import_upload", args=[kind]) in text
        assert reverse("leases:import_template", args=[kind]) in text


@pytest.mark.parametrize("role", ["city_admin", "state_user", "operator_admin", "outsider"])
def test_organisations_without_stock_get_403(cast, client_of, role):
    assert client_of(cast[role]).get(URL).status_code == 403


def test_same_number_of_queries_for_few_or_many_imports(landlord_admin, client_of, landlord, django_assert_num_queries):
    client = client_of(landlord_admin)
    ImportBatch.objects.bulk_create([ImportBatch(landlord=landlord, kind="lodgings", file_name="a.xlsx")] * 3)
    client.get(URL)  # warm the session
    with django_assert_num_queries(7) as few:
        client.get(URL)
    ImportBatch.objects.bulk_create(
        [
            ImportBatch(landlord=landlord, kind="leases", file_name=f"{n}.xlsx", created_by=landlord_admin)
            for n in range(60)
        ]
    )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(URL)
