import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.tfpb import factories


def url(report):
    return reverse("tfpb:report_xlsx", args=[report.pk])


def rows(response, sheet):
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in workbook[sheet].iter_rows(values_only=True)]


@pytest.mark.parametrize("who", ["landlord_viewer", "city_member", "state_user"])
def test_one_line_per_action_with_the_bilan_columns(client_of, cast, report, landlord, who):
    programme = report.programmes.get(qpv__code="QN08604M")
    factories.action(
        programme,
        line=factories.connectivity_line(),
        title="=Box incluse",  # written as text, never as a formula
        planned="4800",
        realised="4410.50",
        dwellings_concerned=10,
        indicators="10 logements raccordés",
    )
    response = client_of(cast[who]).get(url(report))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="bilan-tfpb-2025-{landlord.siren}.xlsx"'
    actions = rows(response, "Actions")
    assert actions[0] == [
        "Année",
        "Code QPV",
        "QPV",
        "SIREN du bailleur",
        "Bailleur",
        "Axe",
        "Ligne d'action locale",
        "Action",
        "Description",
        "Montant prévu (€)",
        "Montant réalisé (€)",
        "Logements concernés",
        "Indicateurs",
        "Statut du bilan",
    ]
    assert len(actions) == 4  # header + 3 actions
    line = next(r for r in actions if r[7] == "=Box incluse")
    assert line[:8] == [
        2025,
        "QN08604M",
        "Trois Cités",
        landlord.siren,
        "Habitat du Clain",
        "7. Animation, lien social, vivre ensemble",
        "Accès à la connexion internet des locataires",
        "=Box incluse",
    ]
    assert [Decimal(str(line[9])), Decimal(str(line[10])), line[11], line[12], line[13]] == [
        Decimal("4800"),
        Decimal("4410.5"),
        10,
        "10 logements raccordés",
        "Brouillon",
    ]
    summary = rows(response, "Synthèse par QPV")
    assert summary[1][1] == "QN08603M"
    assert summary[2][6] == 20000  # abatement of Trois Cités


@pytest.mark.parametrize("who", ["landlord2_admin", "operator_admin", "outsider"])
def test_strangers_get_404(client_of, cast, report, who):
    assert client_of(cast[who]).get(url(report)).status_code == 404
