from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import OrganizationFactory
from tests.tfpb import factories
from tests.tfpb.pages import text
from tfpb.models import Programme, ReportState

URL = reverse("tfpb:overview")


def test_city_staff_see_abatement_valued_actions_ratio_and_connectivity(client_of, cast, convention):
    report = factories.report(convention, complete=False)
    programme = report.programmes.get(qpv__code="QN08604M")
    Programme.objects.filter(pk=programme.pk).update(abatement_amount=Decimal("10000"))
    factories.action(programme, axis=1, planned="6000", realised="5000")
    factories.action(programme, line=factories.connectivity_line(), planned="3000", realised="2500")
    page = text(client_of(cast["city_admin"]).get(URL, {"year": "2025"}))
    row = page[page.index("Trois Cités (QN08604M)") :]
    row = row[: row.index("</tr>")]
    for expected in ["12", "10 000,00 €", "7 500,00 €", "75 %", "2 500,00 €", "Brouillon"]:
        assert expected in row
    assert "Bel Air (QN08603M)" in page


def test_each_landlord_and_qpv_is_a_row(client_of, cast, report, landlord2, city, state, bel_air):
    factories.report(
        factories.convention(landlord2, cities=[city], state=state, qpvs=[bel_air]), status=ReportState.VALIDATED
    )
    page = text(client_of(cast["state_user"]).get(URL))
    assert page.count("<tr>") == 1 + 3 + 1  # header, three programmes, total
    assert "Logis de la Vienne" in page
    assert "Validé" in page


def test_others_see_no_row(client_of, cast, report):
    for who in ["landlord2_admin", "outsider", "operator_admin"]:
        page = text(client_of(cast[who]).get(URL))
        assert "Habitat du Clain" not in page
        assert "Aucun programme pour" in page


@pytest.mark.parametrize("size", [2, 12])
def test_constant_number_of_queries(client_of, cast, city, state, trois_cites, size, django_assert_max_num_queries):
    for _ in range(size):
        convention = factories.convention(
            OrganizationFactory(landlord=True), cities=[city], state=state, qpvs=[trois_cites]
        )
        factories.report(convention)
    client = client_of(cast["city_admin"])
    with django_assert_max_num_queries(7):
        response = client.get(URL, {"year": "2025"})
    assert text(response).count("Trois Cités (QN08604M)") == size
