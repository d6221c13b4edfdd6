"""The monthly per-lease charges, for the landlord's rent-billing software."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from leases.models import Lease

from .cast import LEASE_SEES

URL = reverse("subscriptions:charges_export")


def rows_of(response):
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# Any landlord's member exports its own landlord's charges (Logis de la Vienne gets its own, empty);
# who belongs to no landlord gets a 404.
EXPORTS = {**LEASE_SEES, "landlord2_admin": 200}


@pytest.mark.parametrize(("who", "status"), EXPORTS.items())
def test_who_may_export_the_charges(client_of, cast, world, tilleuls_dwellings, who, status):
    response = client_of(cast[who]).get(URL, {"month": "2025-04", "format": "xlsx"})
    assert response.status_code == status
    if status == 200:
        ours = any(row[1] == tilleuls_dwellings[0].rpls_id for row in rows_of(response))
        assert ours == (who != "landlord2_admin")


def test_one_line_per_lease_charged(client_of, cast, world, tilleuls_dwellings):
    response = client_of(cast["landlord_viewer"]).get(URL, {"month": "2025-03", "format": "xlsx"})
    header, *rows = rows_of(response)
    assert header[:9] == [
        "Référence du bail",
        "IDENT_REP",
        "IDENT_INT",
        "Résidence",
        "Mois",
        "Jours facturés",
        "Jours du mois",
        "Montant mensuel TTC (€)",
        "Montant à appeler TTC (€)",
    ]
    # active all March: the first dwelling; suspended from 1 March: nothing; installed and planned: nothing
    lease = Lease.objects.get(lodging=tilleuls_dwellings[0])
    assert [row[:9] for row in rows] == [
        [
            lease.reference,
            tilleuls_dwellings[0].rpls_id,
            tilleuls_dwellings[0].internal_id,
            "Les Tilleuls",
            "2025-03",
            31,
            31,
            2.67,
            2.67,
        ]
    ]


def test_a_partial_month_is_prorated(client_of, cast, world, tilleuls_dwellings):
    response = client_of(cast["landlord_admin"]).get(URL, {"month": "2025-02", "format": "xlsx"})
    rows = rows_of(response)[1:]
    # the third dwelling was active in February (1-28), suspended from 1 March: a full month too
    assert sorted(row[8] for row in rows) == [2.67, 2.67]


def test_csv_for_billing_software(client_of, cast, world):
    response = client_of(cast["landlord_admin"]).get(URL, {"month": "2025-03", "format": "csv"})
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert text.splitlines()[0].startswith("Référence du bail;IDENT_REP;")
    assert ";2025-03;31;31;2,67;2,67;" in text


def test_the_form_when_no_month_is_given(client_of, cast, world):
    assert "Export mensuel des charges" in client_of(cast["landlord_admin"]).get(URL).content.decode()


def test_another_landlords_choice_is_a_404(client_of, cast, world, landlord2):
    response = client_of(cast["landlord_admin"]).get(URL, {"landlord": landlord2.pk, "month": "2025-03"})
    assert response.status_code == 404
