"""Issue 7, "Done when": a landlord fills its 2025 programme, sees the connectivity amount proposed
from its subscriptions in Trois Cités (with the calculation) and takes it, then submits its report;
city staff return it with a comment; the landlord corrects and resubmits; city staff and the State
validate; both download the xlsx. Every page visited passes axe-core."""

import io
import re
from importlib import import_module

import pytest
from django.apps import apps
from openpyxl import load_workbook

from tests.browser.conftest import log_in, log_out, serious_accessibility_violations
from tests.tfpb import factories
from tfpb.models import Report, ReportState


@pytest.fixture
def convention(transactional_db, landlord, city, state, operator):
    import_module("tfpb.migrations.0002_axes_and_rules").load(apps, None)
    trois_cites, bel_air = factories.qpv("QN08604M"), factories.qpv("QN08603M")
    factories.lodgings(landlord, trois_cites, 18)
    # 2025 subscriptions in Trois Cités: the landlord bore 122,85 € (see test_action_accept_proposal).
    factories.subscriptions_2025(landlord, operator, trois_cites)
    factories.lodgings(landlord, bel_air, 8)
    return factories.convention(landlord, cities=[city], state=state, qpvs=[trois_cites, bel_air])


def accessible(page):
    assert serious_accessibility_violations(page) == []


def download_rows(page, link_name):
    with page.expect_download() as download:
        page.get_by_role("link", name=link_name).click()
    with open(download.value.path(), "rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()), read_only=True)
    return [list(row) for row in workbook["Actions"].iter_rows(values_only=True)]


def test_landlord_submits_city_returns_landlord_resubmits_city_and_state_validate(page, cast, convention):
    # The landlord fills its 2025 programme.
    log_in(page, cast["landlord_admin"].email)
    page.get_by_role("link", name="Abattement TFPB").click()
    accessible(page)
    page.get_by_role("link", name="Convention de test").click()
    accessible(page)
    page.get_by_role("button", name="Préparer le programme 2025").click()
    assert page.get_by_role("heading", name="Bilan 2025 de l'abattement de TFPB — Habitat du Clain").is_visible()
    accessible(page)
    for code, amount in [("QN08604M", "4 212,00"), ("QN08603M", "1 850")]:
        page.get_by_role("link", name=f"Saisir l'abattement de {code}").click()
        accessible(page)
        page.get_by_label("Montant de l'abattement (€)").fill(amount)
        page.get_by_role("button", name="Enregistrer").click()
    # The connectivity line: the amount proposed from the subscriptions, with its calculation.
    page.get_by_role("link", name="Ajouter une action pour QN08604M").click()
    calculation = page.get_by_role("table", name="Calcul du montant proposé")
    assert calculation.get_by_role("row", name="dont logements vacants : 275 jours-logement").is_visible()
    assert calculation.get_by_role("row", name="Montant proposé").inner_text().split() == [
        "Montant",
        "proposé",
        "122,85",
        "€",
    ]
    accessible(page)
    page.get_by_label("Axe ou ligne d'action locale").select_option(
        label="7. › Accès à la connexion internet des locataires"
    )
    page.get_by_label(re.compile("^Action")).fill("Box internet incluse")
    page.get_by_label("Montant prévu (€)").fill("200")
    page.get_by_label("Logements concernés").fill("3")
    page.get_by_role("button", name="Enregistrer").click()
    programme = page.locator("section", has=page.get_by_role("heading", name=re.compile("QN08604M")))
    assert "Montant proposé pour la connexion internet 122,85 €" in " ".join(programme.inner_text().split())
    page.get_by_role("link", name="Modifier « Box internet incluse »").click()
    assert page.get_by_role("table", name="Calcul du montant proposé").is_visible()
    accessible(page)
    page.get_by_role("button", name="Reprendre ce montant comme montant réalisé").click()
    assert "Le montant proposé a été repris comme montant réalisé." in page.content()
    page.get_by_role("link", name="Ajouter une action pour QN08603M").click()
    page.get_by_label("Axe ou ligne d'action locale").select_option(label="3. Sur-entretien (axe national)")
    page.get_by_label(re.compile("^Action")).fill("Nettoyage renforcé")
    page.get_by_label("Montant prévu (€)").fill("1 500")
    page.get_by_label("Montant réalisé (€)").fill("1 620")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("button", name="Transmettre le bilan").click()
    assert "Le bilan a été transmis aux parties qui l'examinent." in page.content()
    report = Report.objects.get()
    assert report.state == ReportState.SUBMITTED
    log_out(page)

    # City staff return it with a comment on one action line.
    log_in(page, cast["city_admin"].email)
    page.get_by_role("link", name="Bilan 2025 de Habitat du Clain").click()
    accessible(page)
    page.get_by_role("link", name="Renvoyer au bailleur").click()
    accessible(page)
    page.get_by_label("Observations générales").fill("Indiquez les indicateurs de l'action internet.")
    page.get_by_label("Observation sur « Box internet incluse » (QN08604M)").fill("Combien de foyers raccordés ?")
    page.get_by_role("button", name="Renvoyer au bailleur").click()
    assert "Le bilan a été renvoyé au bailleur avec vos observations." in page.content()
    log_out(page)

    # The landlord corrects and resubmits.
    log_in(page, cast["landlord_admin"].email)
    page.get_by_role("link", name="Bilan 2025", exact=True).click()
    assert page.get_by_text("Combien de foyers raccordés ?").is_visible()
    accessible(page)
    page.get_by_role("link", name="Modifier « Box internet incluse »").click()
    page.get_by_label("Indicateurs").fill("3 foyers raccordés")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("button", name="Transmettre à nouveau").click()
    assert "Le bilan corrigé a été transmis à nouveau." in page.content()
    log_out(page)

    # City staff, then the State (a reviewing party here), validate.
    for who in ["city_admin", "state_user"]:
        log_in(page, cast[who].email)
        page.get_by_role("link", name="Bilan 2025 de Habitat du Clain").click()
        page.get_by_role("button", name="Valider le bilan").click()
        if who == "state_user":
            assert "Toutes les parties ont validé : le bilan est validé." in page.content()
            rows = download_rows(page, "Télécharger le bilan (xlsx)")
            assert [r[7] for r in rows[1:]] == ["Nettoyage renforcé", "Box internet incluse"]
        log_out(page)
    assert Report.objects.get().state == ReportState.VALIDATED

    # Both the city and the landlord download the report.
    for who in ["city_admin", "landlord_admin"]:
        log_in(page, cast[who].email)
        page.get_by_role("link", name="Abattement TFPB").click()
        page.get_by_role("link", name="2025").click()
        rows = download_rows(page, "Télécharger le bilan (xlsx)")
        box = next(row for row in rows if row[7] == "Box internet incluse")
        assert box[:8] == [
            2025,
            "QN08604M",
            "Trois Cités",
            cast["landlord_admin"].memberships.get().organization.siren,
            "Habitat du Clain",
            "7. Animation, lien social, vivre ensemble",
            "Accès à la connexion internet des locataires",
            "Box internet incluse",
        ]
        assert box[9:] == [200, 122.85, 3, "3 foyers raccordés", "Validé"]
        log_out(page)


def test_other_tfpb_pages_pass_axe(page, cast, convention, landlord_admin):
    factories.report(convention)
    log_in(page, cast["landlord_admin"].email)
    for path in ["/tfpb/conventions/nouvelle/", f"/tfpb/conventions/{convention.pk}/lignes/ajouter/"]:
        page.goto(path)
        accessible(page)
    log_out(page)
    log_in(page, cast["city_admin"].email)
    page.goto("/tfpb/synthese/")
    assert page.get_by_role(
        "table", name="Abattement et actions valorisées en 2025, par bailleur et par QPV"
    ).is_visible()
    accessible(page)
