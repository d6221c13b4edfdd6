import pytest

from tests.browser.conftest import log_in, serious_accessibility_violations

PUBLIC = [
    "/compte/connexion/",
    "/mentions-legales/",
    "/donnees-personnelles/",
    "/accessibilite/",
    "/compte/mot-de-passe/oubli/",
    "/appels-d-offres/donnees-ouvertes/",
]


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_have_no_serious_violation(page, transactional_db, path):
    page.goto(path)
    assert serious_accessibility_violations(page) == []


@pytest.mark.parametrize("who", ["landlord_admin", "city_admin", "operator_admin", "state_user"])
def test_home_pages_have_no_serious_violation(page, cast, who):
    log_in(page, cast[who].email)
    assert serious_accessibility_violations(page) == []


def test_organisation_pages_have_no_serious_violation(page, cast, landlord):
    log_in(page, cast["landlord_admin"].email)
    page.goto("/compte/organisations/")
    assert serious_accessibility_violations(page) == []
    page.goto(f"/compte/organisations/{landlord.pk}/")
    assert serious_accessibility_violations(page) == []


def test_skip_link_is_first_and_moves_focus_to_the_content(page, transactional_db):
    page.goto("/compte/connexion/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Aller au contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"


def test_the_checker_itself_finds_a_serious_violation(page, transactional_db):
    """Guards the guard: a field without a label must be reported, or the checks above prove nothing."""
    page.goto("/mentions-legales/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text>')")
    assert any(v.startswith("label") for v in serious_accessibility_violations(page))
