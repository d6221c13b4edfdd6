from django.urls import reverse

from tests.tfpb import factories
from tests.tfpb.pages import text
from tfpb.models import ReportState

URL = reverse("home")


def test_city_staff_see_the_reports_awaiting_their_opinion(client_of, cast, convention):
    factories.report(convention, status=ReportState.SUBMITTED)
    page = text(client_of(cast["city_admin"]).get(URL))
    assert "Bilans à examiner" in page
    assert "Bilan 2025 de Habitat du Clain" in page


def test_once_they_gave_it_the_report_leaves_their_list(client_of, cast, convention):
    report = factories.report(convention, status=ReportState.SUBMITTED)
    client_of(cast["city_admin"]).post(reverse("tfpb:report_validate", args=[report.pk]))
    assert "Bilans à examiner" not in text(client_of(cast["city_admin"]).get(URL))
    assert "Bilans à examiner" in text(client_of(cast["state_user"]).get(URL))


def test_the_landlord_sees_the_report_to_write_and_its_due_date(client_of, cast, report):
    page = text(client_of(cast["landlord_member"]).get(URL))
    assert "Bilans à compléter et transmettre" in page
    assert "à remettre le 30/06/2026" in page


def test_party_admins_see_the_conventions_to_sign(client_of, cast, draft_convention):
    assert "Conventions à signer" in text(client_of(cast["state_user"]).get(URL))
    assert "Conventions à signer" not in text(client_of(cast["landlord_member"]).get(URL))


def test_operators_have_no_tfpb_panel(client_of, cast, report):
    assert "Abattement de TFPB" not in text(client_of(cast["operator_admin"]).get(URL))
