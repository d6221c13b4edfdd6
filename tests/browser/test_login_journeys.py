import io

import pytest
from django.core.management import call_command

from tests.browser.conftest import log_in, log_out

DEMO = [
    ("bailleur@demo.quartiers-connectes.fr", "Habitat du Clain (fictif) : vos prochaines étapes"),
    ("bailleur.lecteur@demo.quartiers-connectes.fr", "Habitat du Clain (fictif) : vos prochaines étapes"),
    ("ville@demo.quartiers-connectes.fr", "Grand Poitiers Communauté urbaine : suivre votre territoire"),
    ("etat@demo.quartiers-connectes.fr", "Préfecture de la Vienne : suivre votre territoire"),
    ("operateur@demo.quartiers-connectes.fr", "FibreCité (fictif) : vos prochaines étapes"),
]


@pytest.fixture
def demo(transactional_db, settings):
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False


def test_each_demo_role_logs_in_and_lands_on_its_home(page, demo, settings):
    for email, heading in DEMO:
        log_in(page, email, settings.DEMO_PASSWORD)
        assert page.url.endswith("/")
        assert page.get_by_role("heading", name=heading).is_visible()
        log_out(page)
        assert "/compte/connexion/" in page.url


def test_visitor_is_sent_to_the_login_page(page, transactional_db):
    page.goto("/compte/organisations/")
    assert "/compte/connexion/?next=/compte/organisations/" in page.url
    assert page.get_by_role("heading", name="Connexion").is_visible()


def test_wrong_password_is_explained(page, landlord_admin):
    log_in(page, landlord_admin.email, "pas-le-bon")
    assert page.get_by_role("alert").inner_text().startswith("Adresse e-mail ou mot de passe incorrect")


def test_city_admin_adds_a_landlord_from_the_web(page, city_admin):
    log_in(page, city_admin.email)
    page.get_by_role("link", name="Organisations").click()
    page.get_by_role("link", name="Ajouter une organisation").click()
    page.get_by_label("Type d'organisation").select_option("landlord")
    page.get_by_label("SIREN").fill("732829320")
    page.get_by_label("Nom").fill("Bailleur du Web")
    page.get_by_label("E-mail de son premier administrateur").fill("dir@bailleur-web.fr")
    page.get_by_role("button", name="Ajouter").click()
    assert page.get_by_role("heading", name="Bailleur du Web").is_visible()
    assert "Une invitation a été envoyée à dir@bailleur-web.fr" in page.content()
