"""Internet in the charges, in a browser (issue 6, "Done when").

The landlord records a tenant vote that carries and sets its share, starts the rollout; the
operator uploads a report; the landlord sees the funnel move; the year ends (time-machine moves
the clock of this process, hence of live_server's thread: everyone logs in again); the landlord
establishes the regularisation and downloads a tenant's statement. Every page visited passes axe.

The story happens in the coming years, so that the browser's real clock never sees the session
cookies as expired.
"""

import datetime

import pytest
import time_machine

from leases.models import Lease
from subscriptions.models import ensure_rules_seeded
from tests.browser.conftest import log_in, log_out, serious_accessibility_violations
from tests.charter.factories import make_qpv
from tests.subscriptions import factories

YEAR = datetime.date.today().year + 2


@pytest.fixture
def contract(landlord, operator, landlord_admin, operator_admin):
    ensure_rules_seeded()  # a previous transactional test may have flushed migration data
    residence = factories.residence(landlord, make_qpv("QN08604M", "Trois Cités", ["86194"]), "Les Tilleuls")
    factories.dwellings(residence, 4)
    return factories.contract(landlord, operator, [residence], start=datetime.date(YEAR, 1, 1))


def accessible(page):
    assert serious_accessibility_violations(page) == [], page.url


def test_vote_rollout_report_funnel_regularisation_statement(page, contract, cast, tmp_path):
    landlord_admin, operator_admin = cast["landlord_admin"], cast["operator_admin"]
    spring = datetime.datetime(YEAR, 3, 2, 9, tzinfo=datetime.UTC)
    with time_machine.travel(spring, tick=True):
        # The landlord puts its proposal to the tenants, then records the vote that carries.
        log_in(page, landlord_admin.email)
        page.get_by_role("link", name="Abonnements").first.click()
        accessible(page)
        page.get_by_role("link", name=contract.reference).click()
        accessible(page)
        page.get_by_role("link", name="Les Tilleuls").click()
        accessible(page)
        page.get_by_role("link", name="Consulter les locataires").click()
        accessible(page)
        page.get_by_label("Montant mensuel proposé aux locataires (€ TTC)").fill("2,67")
        page.get_by_label("Réponses attendues au plus tard le").fill(f"{YEAR}-03-20")
        page.get_by_role("button", name="Préparer la consultation").click()
        assert "Consultation préparée" in page.content()
        assert page.get_by_role("link", name="Lettre de consultation (PDF)").is_visible()
        page.get_by_role("link", name="Enregistrer le résultat du vote").click()
        accessible(page)
        page.get_by_label("Foyers consultés").fill("4")
        page.get_by_label("Voix pour").fill("3")
        page.get_by_label("Voix contre").fill("0")
        page.get_by_role("button", name="Enregistrer le résultat").click()
        assert "Approuvé : 3 voix pour et 0 contre, soit 100,0 % des réponses" in page.content()
        page.get_by_label("Part prise en charge par le bailleur (%)").fill("75")
        page.get_by_role("button", name="Enregistrer", exact=True).click()
        assert "Part du bailleur enregistrée : 75" in page.content()
        assert "2,67" in page.content()
        accessible(page)

        # It starts the rollout.
        page.get_by_role("link", name=contract.reference).first.click()
        page.get_by_role("button", name="Lancer le déploiement (4 logements)").click()
        assert "Déploiement lancé : 4 abonnements prévus." in page.content()
        log_out(page)

        # The operator uploads its report.
        leases = Lease.objects.select_related("lodging").order_by("lodging__rpls_id")[:3]
        rows = [factories.REPORT_HEADER]
        rows += [[lease.lodging.rpls_id, "actif", f"02/03/{YEAR}", f"BOX-{n}", ""] for n, lease in enumerate(leases)]
        path = tmp_path / "rapport.csv"
        path.write_bytes(factories.report_file(rows).read())
        log_in(page, operator_admin.email)
        page.goto(f"/abonnements/marches/{contract.pk}/")
        page.get_by_role("link", name="Déposer un rapport").click()
        accessible(page)
        page.get_by_label("Rapport (xlsx ou csv)").set_input_files(str(path))
        page.get_by_role("button", name="Déposer le rapport").click()
        assert "Rapport enregistré : 3 changements" in page.content()
        accessible(page)
        log_out(page)

        # The landlord sees the funnel move.
        log_in(page, landlord_admin.email)
        page.goto(f"/abonnements/marches/{contract.pk}/")
        funnel = page.locator("dl.funnel")
        assert funnel.get_by_text("Actifs").is_visible()
        assert "75 %" in funnel.inner_text()  # 3 of the 4 dwellings: service on
        page.get_by_role("link", name=Lease.objects.order_by("lodging__rpls_id").first().lodging.rpls_id).click()
        assert "Historique de l'abonnement" in page.content()
        accessible(page)
        log_out(page)

    # The year ends; the landlord establishes the regularisation and downloads a statement.
    with time_machine.travel(datetime.datetime(YEAR + 1, 1, 5, 9, tzinfo=datetime.UTC), tick=True):
        log_in(page, landlord_admin.email)
        page.get_by_role("link", name="Abonnements").first.click()
        page.get_by_role("link", name="Régularisations annuelles").click()
        accessible(page)
        page.get_by_label("Année").fill(str(YEAR))
        page.get_by_role("button", name="Calculer la régularisation").click()
        assert f"Régularisation {YEAR} calculée : 3 baux." in page.content()
        accessible(page)
        page.get_by_role("button", name="Marquer comme envoyée aux locataires").click()
        assert "Régularisation marquée comme envoyée" in page.content()
        lease = Lease.objects.order_by("lodging__rpls_id").first()
        with page.expect_download() as download:
            page.get_by_role("link", name=f"Décompte de {lease.reference} (PDF)").click()
        with open(download.value.path(), "rb") as handle:
            assert handle.read(5) == b"%PDF-"
        assert download.value.suggested_filename == f"decompte-internet-{YEAR}-{lease.reference}.pdf"
        page.goto("/abonnements/charges/")
        accessible(page)
