"""Issue 4, "Done when": city staff publish the charter, a landlord admin signs it and sets its
commitments, city staff see its progress move when the landlord marks dwellings equipped.

The equipment screens of the housing stock are not on main yet: the test records the new
equipment with Lodging.record_equipment() between the two visits of city staff.
"""

import datetime

import pytest

from charter.kinds import ensure_default_kinds
from leases.models import EquipmentStatus
from tests.browser.conftest import log_in, log_out, serious_accessibility_violations
from tests.charter.factories import make_dwellings, make_qpv


@pytest.fixture
def stock(transactional_db, landlord):
    """Grand Poitiers' QPV; Habitat du Clain has 10 dwellings in Trois Cités, 2 with a box."""
    ensure_default_kinds()  # transactional tests flush the kinds seeded by the migration
    trois_cites = make_qpv("QN08604M", "Trois Cités", ["86194", "86214"])
    make_qpv("QN08603M", "Bel Air", ["86194"])
    return make_dwellings(landlord, trois_cites, 10, equipped=2)[1]


def test_city_publishes_landlord_signs_and_commits_city_sees_progress_move(page, cast, landlord, stock):
    city_admin, landlord_admin = cast["city_admin"], cast["landlord_admin"]

    # City staff write and publish the charter, then invite the landlord.
    log_in(page, city_admin.email)
    page.get_by_role("link", name="Charte", exact=True).click()
    page.get_by_role("link", name="Rédiger une charte").click()
    page.get_by_label("Trois Cités (QN08604M)").check()
    page.get_by_label("Préambule").fill("La connexion internet est un droit, comme l'eau ou l'électricité.")
    page.get_by_label("Date d'entrée en vigueur").fill("2026-01-01")
    page.get_by_label("Titre de l'article (facultatif)").first.fill("Objet")
    page.get_by_label("Texte de l'article").first.fill("Chaque logement social du quartier dispose d'une box.")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.get_by_role("button", name="Publier la charte").click()
    assert page.get_by_text("La charte est publiée").is_visible()
    page.get_by_label("Habitat du Clain (bailleur social)").check()
    page.get_by_role("button", name="Inviter", exact=True).click()
    assert page.get_by_text("Invitation envoyée à : Habitat du Clain").is_visible()

    page.get_by_role("link", name="Page publique").click()
    assert page.get_by_role("heading", name="Article 1 — Objet").is_visible()
    assert serious_accessibility_violations(page) == []
    log_out(page)

    # The landlord's admin signs, stating name and function, then sets a commitment.
    log_in(page, landlord_admin.email)
    page.get_by_role("link", name="La connexion internet, un droit pour tous de Grand Poitiers (version 1)").click()
    page.get_by_role("link", name="Signer la charte").click()
    page.get_by_label("Nom et prénom du signataire").fill("Alice Bailleur")
    page.get_by_label("Fonction du signataire").fill("Directrice générale")
    page.get_by_label("J'ai lu le texte de la charte").check()
    page.get_by_role("button", name="Signer la charte").click()
    assert page.get_by_text("La charte est signée").is_visible()
    page.get_by_role("link", name="Part des logements d'un quartier prioritaire équipés d'une box").click()
    page.get_by_label("Quartier prioritaire").select_option(label="Trois Cités (QN08604M)")
    page.get_by_label("Cible (au moins, en %)").fill("100")
    page.get_by_label("Échéance").fill("2027-12-31")
    page.get_by_role("button", name="Enregistrer l'engagement").click()
    assert page.get_by_text("Engagement enregistré et en vigueur.").is_visible()
    assert page.get_by_text("2 logements équipés d'une box sur 10").is_visible()
    assert serious_accessibility_violations(page) == []
    log_out(page)

    # City staff follow the commitment...
    log_in(page, city_admin.email)
    page.get_by_role("link", name="Charte", exact=True).click()
    page.get_by_role("link", name="La connexion internet, un droit pour tous").first.click()
    page.get_by_role("link", name="Suivi des adhésions et des engagements").click()
    table = page.get_by_role("table")
    assert table.get_by_text("Habitat du Clain").is_visible()
    assert table.get_by_text("2 logements équipés d'une box sur 10").is_visible()
    assert serious_accessibility_violations(page) == []

    # ... and see it move when the landlord marks dwellings equipped.
    for lodging in stock[2:5]:
        lodging.record_equipment(status=EquipmentStatus.BOX, effective_date=datetime.date.today(), by=landlord_admin)
    page.reload()
    assert page.get_by_role("table").get_by_text("5 logements équipés d'une box sur 10").is_visible()
    assert page.get_by_role("table").get_by_text("50 %", exact=True).is_visible()
