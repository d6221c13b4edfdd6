"""The « rapport annuel de la charte » as a PDF, for a chosen year."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from monitoring import exports, figures
from monitoring.forms import year_period
from monitoring.scopes import Scope


@pytest.mark.parametrize(
    ("who", "name", "status"),
    [
        ("city_admin", "dashboard_pdf", 200),
        ("landlord_admin", "dashboard_pdf", 403),
        ("landlord_admin", "landlord_pdf", 200),
        ("landlord2_admin", "landlord_pdf", 404),
        ("state_user", "landlord_pdf", 403),
        ("operator_admin", "operator_pdf", 200),
        ("operator2_admin", "operator_pdf", 404),
        ("city_member", "operator_pdf", 403),
    ],
)
def test_who_downloads_which_report(client_of, cast, scene, landlord, operator, who, name, status):
    args = {"dashboard_pdf": [], "landlord_pdf": [landlord.pk], "operator_pdf": [operator.pk]}[name]
    response = client_of(cast[who]).get(reverse(f"monitoring:{name}", args=args), {"year": timezone.localdate().year})
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert "rapport-annuel-charte-" in response["Content-Disposition"]


def test_the_report_of_a_year_shows_the_stock_commitments_tenders_and_tfpb(scene, city_admin):
    year = timezone.localdate().year
    scope = Scope("territory", "Grand Poitiers", city_admin)
    board = figures.build(scope, period=year_period(year, timezone.localdate()), detailed=True)
    html = render_to_string("monitoring/pdf/annual_report.html", exports.report_context(board))
    assert f"Rapport annuel {year} de la charte — Grand Poitiers" in html
    assert "Trois Cités (QN08604M)" in html
    assert "Logis de la Vienne — QN08603M — cible 100 %" in html
    assert "En retard" in html
    assert "Marché signé" in html
    assert "Bellevue" not in html
    assert '<td>Abonnement actif</td><td class="num">2</td>' in html  # the rollout's table
    assert "Part active" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in html
    assert '@bottom-right { content: "page " counter(page)' in html
