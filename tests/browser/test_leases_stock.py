"""The stock journey of issue 3 (screens half): a landlord filters its dwellings, ticks some and
marks them equipped; city staff then see them, read-only. Plus axe-core on the stock pages."""

import datetime

import pytest

from leases.models import EquipmentEvent, EquipmentStatus, Lodging
from tests.browser.conftest import log_in, log_out, serious_accessibility_violations
from tests.leases.factories import LeaseFactory, LodgingFactory, QpvFactory, ResidenceFactory


@pytest.fixture
def tilleuls(landlord):
    qpv = QpvFactory(code="QN08604M", name="Trois Cités", communes=["86194", "86214"])
    residence = ResidenceFactory(landlord=landlord, name="Les Tilleuls", qpv=qpv)
    lodgings = [
        LodgingFactory(residence=residence, rpls_id=f"86194000{n:02d}", street_number=str(n)) for n in range(1, 6)
    ]
    outside = ResidenceFactory(landlord=landlord, name="Le Patio", address="RUE JEAN JAURES", qpv=None)
    LodgingFactory(residence=outside, rpls_id="8619400099", street_name="JEAN JAURES")
    LeaseFactory(lodging=lodgings[0], reference="BAIL-SECRET-01", start=datetime.date(2022, 9, 1))
    return residence, lodgings


def test_landlord_equips_a_filtered_selection_and_city_sees_it_read_only(page, cast, tilleuls):
    residence, lodgings = tilleuls
    log_in(page, cast["landlord_member"].email)
    page.get_by_role("link", name="Parc", exact=True).click()
    page.get_by_label("QPV").select_option("QN08604M")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_load_state()
    assert "8619400099" not in page.content()  # outside the QPV, filtered out
    page.get_by_label("Sélectionner le logement 8619400002").check()
    page.get_by_label("Sélectionner le logement 8619400003").check()
    page.get_by_label("Nouvel état d'équipement").select_option("box")
    page.get_by_label("Date d'effet").fill("2025-03-03")
    page.get_by_role("button", name="Enregistrer pour les logements cochés").click()
    page.wait_for_load_state()
    assert page.get_by_text("2 logements : « Box installée » enregistré au 03/03/2025.").is_visible()
    assert "qpv=QN08604M" in page.url  # the filters are kept
    equipped = set(Lodging.objects.filter(equipment_status=EquipmentStatus.BOX).values_list("rpls_id", flat=True))
    assert equipped == {"8619400002", "8619400003"}
    assert {e.recorded_by for e in EquipmentEvent.objects.all()} == {cast["landlord_member"]}
    log_out(page)

    log_in(page, cast["city_admin"].email)
    page.goto("/parc/?equipment=box")
    assert page.get_by_role("link", name="8619400002").is_visible()
    assert page.get_by_role("link", name="8619400003").is_visible()
    assert page.locator('input[name="lodgings"]').count() == 0
    assert page.get_by_role("button", name="Enregistrer pour les logements cochés").count() == 0
    page.goto(lodgings[0].get_absolute_url())
    assert page.get_by_role("heading", name="Logement 8619400001").is_visible()
    assert "BAIL-SECRET-01" not in page.content()
    assert page.locator("main form").count() == 0


def test_stock_pages_have_no_serious_violation(page, cast, tilleuls):
    residence, lodgings = tilleuls
    log_in(page, cast["landlord_admin"].email)
    for path in ["/parc/", residence.get_absolute_url(), lodgings[0].get_absolute_url()]:
        page.goto(path)
        assert serious_accessibility_violations(page) == [], path
