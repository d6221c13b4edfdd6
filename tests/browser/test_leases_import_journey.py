"""The import journey of issue 3 ("Done when"), in a browser.

A landlord member uploads its RPLS extract, reads the preview, confirms; filters its dwellings
and marks two of them equipped from the list; exports the list; re-imports that export, and the
preview says nothing would change (0 created, 0 updated). axe-core on the upload, preview and
import history pages.
"""

import openpyxl
import pytest

from leases.demo import seed_qpv
from leases.models import EquipmentStatus, ImportBatch, ImportState, Lodging, Residence
from tests.browser.conftest import log_in, serious_accessibility_violations

# As extracts come: RPLS names in their own order and case, a column the import does not read.
HEADER = [" ident_rep ", "REG", "DEPCOM", "LIBCOM", "CODEPOSTAL", "NUMVOIE", "TYPVOIE", "NOMVOIE", "IMMEU"]
HEADER += ["ETAGE", "NUMAPPT", "NBPIECE", "SURFHAB", "CONSTRUCT", "FINAN", "PLG_QP24"]


@pytest.fixture
def extract(tmp_path, settings):
    """Six dwellings: four in Les Tilleuls (QPV Trois Cités), two in Le Patio (outside any QPV)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_qpv()  # the referential; live_server tests flush the database after each test
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "RPLS 2025"
    sheet.append(HEADER)
    for n in range(1, 7):
        building, street, qpv = ("LES TILLEULS", "DES TROIS CITES", "QN08604M")
        if n > 4:
            building, street, qpv = ("LE PATIO", "JEAN JAURES", "HZ")
        sheet.append(
            [f"86194000{n:02d}", "75", "86194", "Poitiers", "86000", str(n), "RUE", street, building]
            + ["1", f"{n}1", 3, 62.5, 1972, "PLUS", qpv]
        )
    path = tmp_path / "extrait-rpls-2025.xlsx"
    workbook.save(path)
    return path


def facts(page):
    """The preview's figures: {label: value} from its definition list."""
    return page.eval_on_selector_all(
        "#apercu ~ dl.facts > div",
        "divs => Object.fromEntries(divs.map(d => [d.querySelector('dt').textContent.trim(),"
        " d.querySelector('dd').textContent.trim()]))",
    )


def upload(page, path):
    page.get_by_role("link", name="Importer").click()
    page.get_by_label("Fichier").set_input_files(path)
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.wait_for_load_state()


def no_violations(page):
    assert serious_accessibility_violations(page) == [], page.url


def test_landlord_imports_equips_exports_and_reimports_without_change(page, cast, landlord, extract, tmp_path):
    member = cast["landlord_member"]
    log_in(page, member.email)
    page.get_by_role("link", name="Parc", exact=True).click()

    # Upload: nothing is written before the preview is confirmed.
    page.get_by_role("link", name="Importer").click()
    assert page.get_by_role("heading", name="Importer : Logements (extrait RPLS)").is_visible()
    no_violations(page)
    page.go_back()
    upload(page, extract)
    assert page.get_by_role("heading", name="Aperçu : ce que l'import va changer").is_visible()
    assert facts(page) == {
        "Lignes lues": "6",
        "Créés": "6",
        "Modifiés": "0",
        "Inchangés": "0",
        "Absents du fichier": "0",
        "Résidences créées": "2",
    }
    assert page.get_by_text("Colonnes ignorées : REG.").is_visible()
    assert not Lodging.objects.exists()
    no_violations(page)
    buttons = page.locator("main .actions button")
    assert buttons.all_inner_texts() == ["Confirmer l'import", "Abandonner"]
    page.get_by_role("button", name="Confirmer l'import").click()
    page.wait_for_load_state()
    assert page.get_by_text("L'import est enregistré.").is_visible()
    assert page.get_by_role("heading", name="Résultat").is_visible()
    assert Lodging.objects.filter(landlord=landlord).count() == 6
    assert set(Residence.objects.filter(landlord=landlord).values_list("name", flat=True)) == {
        "LES TILLEULS",
        "LE PATIO",
    }

    # Filter the dwellings of the QPV and equip two of them from the list.
    page.get_by_role("link", name="Parc", exact=True).click()
    page.get_by_label("QPV").select_option("QN08604M")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_load_state()
    assert page.locator('input[name="lodgings"]').count() == 4
    assert "qpv=QN08604M" in page.get_by_role("link", name="Exporter (xlsx)").get_attribute("href")
    page.get_by_label("Sélectionner le logement 8619400002").check()
    page.get_by_label("Sélectionner le logement 8619400003").check()
    page.get_by_label("Nouvel état d'équipement").select_option("box")
    page.get_by_label("Date d'effet").fill("2025-03-03")
    page.get_by_role("button", name="Enregistrer pour les logements cochés").click()
    page.wait_for_load_state()
    assert page.get_by_text("2 logements : « Box installée » enregistré au 03/03/2025.").is_visible()
    equipped = Lodging.objects.filter(equipment_status=EquipmentStatus.BOX)
    assert set(equipped.values_list("rpls_id", flat=True)) == {"8619400002", "8619400003"}

    # Export the whole stock (the list without filters), then re-import that very file.
    page.get_by_role("link", name="Logements", exact=True).click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exporter (xlsx)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("logements-") and download.suggested_filename.endswith(".xlsx")
    exported = tmp_path / download.suggested_filename
    download.save_as(exported)
    rows = list(openpyxl.load_workbook(exported, read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 7 and "EQUIPEMENT" in rows[0]

    upload(page, exported)
    assert facts(page) == {
        "Lignes lues": "6",
        "Créés": "0",
        "Modifiés": "0",
        "Inchangés": "6",
        "Absents du fichier": "0",
        "Résidences créées": "0",
    }
    page.get_by_role("button", name="Confirmer l'import").click()
    page.wait_for_load_state()
    assert page.get_by_text("L'import est enregistré.").is_visible()
    assert set(equipped.values_list("rpls_id", flat=True)) == {"8619400002", "8619400003"}

    # Both imports are in the stock's history.
    page.get_by_role("link", name="Parc", exact=True).click()
    page.get_by_role("link", name="Historique des imports").click()
    assert page.get_by_role("table", name="Historique des imports").is_visible()
    assert page.get_by_role("cell", name=download.suggested_filename).is_visible()
    assert page.get_by_role("cell", name="extrait-rpls-2025.xlsx").is_visible()
    no_violations(page)
    batches = ImportBatch.objects.filter(landlord=landlord, created_by=member).order_by("pk")
    assert [(b.state, b.created_count, b.updated_count, b.unchanged_count) for b in batches] == [
        (ImportState.APPLIED, 6, 0, 0),
        (ImportState.APPLIED, 0, 0, 6),
    ]
