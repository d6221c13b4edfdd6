import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from .cast import LEASE_SEES


def url(regularisation):
    return reverse("subscriptions:regularisation_xlsx", args=[regularisation.pk])


@pytest.mark.parametrize(("who", "status"), LEASE_SEES.items())
def test_who_downloads_the_landlord_wide_file(client_of, cast, regularisation, who, status):
    assert client_of(cast[who]).get(url(regularisation)).status_code == status


def test_one_row_per_line_with_numbers(client_of, cast, regularisation):
    response = client_of(cast["landlord_viewer"]).get(url(regularisation))
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))
    assert rows[0][:9] == (
        "Référence du bail",
        "IDENT_REP",
        "Résidence",
        "Nature",
        "Jours refacturables",
        "Provisions appelées TTC (€)",
        "Coût réel TTC (€)",
        "Solde TTC (€)",
        "Sens du solde",
    )
    balances = sorted((Decimal(str(row[7])), row[8]) for row in rows[1:])
    assert balances == [(Decimal("-0.27"), "à rembourser au locataire"), (Decimal("0"), "soldé")]
