"""`import_lodgings FILE --landlord SIREN`: the RPLS extract into a landlord's stock, all or nothing."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from leases.imports import MAX_LISTED_ERRORS, check_file, import_file
from leases.models import ExitReason, ImportBatch, ImportKind, ImportState, Lodging, Residence
from tests.leases.conftest import HEADER, lodging_row
from tests.leases.factories import LodgingFactory, ResidenceFactory

pytestmark = pytest.mark.django_db


def run(path, landlord):
    out = StringIO()
    call_command("import_lodgings", str(path), "--landlord", landlord.siren, stdout=out)
    return out.getvalue()


def refused(path, landlord):
    """The command's errors (stderr) and message; asserts that nothing was written."""
    before = (Lodging.objects.count(), Residence.objects.count(), ImportBatch.objects.count())
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_lodgings", str(path), "--landlord", landlord.siren, stderr=err)
    assert (Lodging.objects.count(), Residence.objects.count(), ImportBatch.objects.count()) == before
    return err.getvalue(), str(raised.value)


def test_first_import_creates_dwellings_their_residence_and_one_batch(landlord, qpvs, lodging_file):
    out = run(lodging_file(3), landlord)
    assert "créés : 3" in out
    lodging = Lodging.objects.get(rpls_id="0860000001")
    assert lodging.landlord == landlord
    assert lodging.qpv == qpvs["QN08604M"]
    assert (lodging.commune, lodging.postcode, lodging.street_name) == ("86194", "86000", "DES TROIS CITES")
    residence = lodging.residence
    assert (residence.name, residence.group_key, residence.qpv) == (
        "LES TILLEULS",
        "LES TILLEULS|86194",
        qpvs["QN08604M"],
    )
    assert residence.lodgings.count() == 3
    batch = ImportBatch.objects.get()
    assert (batch.kind, batch.state, batch.file_name, batch.created_count) == (
        ImportKind.LODGINGS,
        ImportState.APPLIED,
        "extrait.xlsx",
        3,
    )


def test_reimport_updates_by_ident_rep_and_never_duplicates(landlord, qpvs, lodging_file):
    run(lodging_file(3), landlord)
    rows = [lodging_row(1), lodging_row(2, NOMVOIE="DES ACACIAS"), lodging_row(3)]
    out = run(lodging_file(rows), landlord)
    assert "créés : 0" in out and "modifiés : 1" in out and "inchangés : 2" in out
    assert Lodging.objects.count() == 3
    assert Lodging.objects.get(rpls_id="0860000002").street_name == "DES ACACIAS"


def test_same_file_twice_changes_nothing(landlord, qpvs, lodging_file):
    path = lodging_file(5)
    run(path, landlord)
    out = run(path, landlord)
    assert "inchangés : 5" in out and "Aucun changement." in out


def test_dwellings_absent_from_the_file_are_listed_never_deleted(landlord, qpvs, lodging_file):
    run(lodging_file(3), landlord)
    Lodging.objects.filter(rpls_id="0860000003").update(exit_reason=ExitReason.SOLD)  # already left: not listed
    outcome = check_file(ImportKind.LODGINGS, landlord, lodging_file([lodging_row(1)]), "extrait.xlsx")
    assert (outcome.absent, [item["rpls_id"] for item in outcome.preview["absent"]]) == (1, ["0860000002"])
    run(lodging_file([lodging_row(1)]), landlord)
    assert Lodging.objects.count() == 3


def test_residences_group_by_programme_then_by_address(landlord, qpvs, lodging_file):
    rows = [
        lodging_row(1),
        lodging_row(2, NUMVOIE="14"),  # same programme, other number: same residence
        lodging_row(3, IMMEU="", NUMVOIE="3"),  # no programme: grouped by address
        lodging_row(4, IMMEU="", NUMVOIE="3"),
        lodging_row(5, IMMEU="LES TILLEULS", DEPCOM="86041"),  # same name, other commune
    ]
    run(lodging_file(rows), landlord)
    assert sorted(Residence.objects.values_list("group_key", flat=True)) == [
        "3 RUE DES TROIS CITES|86194",
        "LES TILLEULS|86041",
        "LES TILLEULS|86194",
    ]
    assert Residence.objects.get(group_key="3 RUE DES TROIS CITES|86194").lodgings.count() == 2


def test_an_existing_residence_is_found_again(landlord, qpvs, lodging_file):
    residence = ResidenceFactory(landlord=landlord, name="Les Tilleuls", group_key="LES TILLEULS|86194")
    run(lodging_file(2), landlord)
    assert Residence.objects.get() == residence
    assert residence.lodgings.count() == 2


@pytest.mark.parametrize("outside", ["HZ", "", "hz"])
def test_hz_or_empty_qpv_means_outside_any_qpv(landlord, qpvs, lodging_file, outside):
    run(lodging_file([lodging_row(1, PLG_QP24=outside)]), landlord)
    assert Lodging.objects.get().qpv is None


def test_qpv_code_column_of_the_open_data_is_read_too(landlord, qpvs, lodging_file):
    header = [name if name != "PLG_QP24" else "QPV_CODE" for name in HEADER]
    rows = [dict(lodging_row(1), QPV_CODE="QN08603M")]
    run(lodging_file(rows, header=header), landlord)
    assert Lodging.objects.get().qpv == qpvs["QN08603M"]


def test_optional_columns_are_read(landlord, qpvs, lodging_file):
    header = [*HEADER, "IDENT_INT", "ETAGE", "ESC", "NUMAPPT", "BAT", "TYPECONST", "NBPIECE", "SURFHAB", "CONSTRUCT"]
    rows = [
        lodging_row(
            1,
            IDENT_INT="L-1",
            ETAGE=2,
            ESC="B",
            NUMAPPT="021",
            BAT="A",
            TYPECONST="c",
            NBPIECE=3,
            SURFHAB=63.5,
            CONSTRUCT=1972,
        )
    ]
    run(lodging_file(rows, header=header), landlord)
    lodging = Lodging.objects.get()
    assert (lodging.internal_id, lodging.floor, lodging.staircase, lodging.flat, lodging.building) == (
        "L-1",
        "2",
        "B",
        "021",
        "A",
    )
    assert (lodging.construction_type, lodging.rooms, lodging.living_area, lodging.construction_year) == (
        "C",
        3,
        Decimal("63.50"),
        1972,
    )


def test_columns_missing_from_the_file_leave_those_fields_as_they_are(landlord, qpvs, lodging_file):
    header = [*HEADER, "FINAN"]
    run(lodging_file([lodging_row(1, FINAN="PLAI")], header=header), landlord)
    out = run(lodging_file([lodging_row(1)]), landlord)  # no FINAN column this time
    assert "inchangés : 1" in out
    assert Lodging.objects.get().financing == "PLAI"


def test_csv_from_french_excel_with_decimal_commas_and_stripped_zeros(landlord, qpvs, spreadsheet):
    header = ["IDENT_REP", "DEPCOM", "NOMVOIE", "SURFHAB", "LIBCOM"]
    path = spreadsheet(
        [header, ["860001234", "1053", "RUE DE L'ÉGLISE", "45,5", "Bourg-en-Bresse"]], "rpls.csv", encoding="cp1252"
    )
    run(path, landlord)
    lodging = Lodging.objects.get()
    assert (lodging.rpls_id, lodging.commune, lodging.living_area) == ("0860001234", "01053", Decimal("45.50"))
    assert lodging.street_name == "RUE DE L'ÉGLISE"


def test_ident_rep_and_depcom_typed_as_numbers_in_excel_become_text_again(landlord, qpvs, spreadsheet):
    path = spreadsheet([["IDENT_REP", "DEPCOM", "NOMVOIE"], [860001234, 1053, "RUE X"]])
    run(path, landlord)
    assert Lodging.objects.filter(rpls_id="0860001234", commune="01053").exists()


# Refusals: nothing written, each error named by line, column, value and reason


def test_one_bad_row_and_nothing_is_written(landlord, qpvs, lodging_file):
    rows = [lodging_row(1), lodging_row(2), lodging_row(3, DEPCOM="861")]
    errors, message = refused(lodging_file(rows), landlord)
    assert "1 erreur : rien n'a été enregistré" in message
    assert "ligne 4, colonne DEPCOM, valeur « 861 » : code INSEE de commune invalide" in errors


def test_every_error_is_counted_and_the_first_hundred_listed(landlord, qpvs, lodging_file):
    rows = [lodging_row(n, DEPCOM="XX", PLG_QP24="QN99999Z") for n in range(1, 121)]
    outcome = check_file(ImportKind.LODGINGS, landlord, lodging_file(rows), "extrait.xlsx")
    assert outcome.error_count == 240
    assert len(outcome.errors) == MAX_LISTED_ERRORS
    assert outcome.errors[0] == {
        "line": 2,
        "column": "DEPCOM",
        "value": "XX",
        "message": "code INSEE de commune invalide (5 caractères, par exemple 86194)",
    }
    errors, message = refused(lodging_file(rows), landlord)
    assert "240 erreurs" in message and "… et 140 autres erreurs." in errors


def test_unknown_qpv_is_refused(landlord, qpvs, lodging_file):
    errors, _ = refused(lodging_file([lodging_row(1, PLG_QP24="QN99999Z")]), landlord)
    assert "ligne 2, colonne PLG_QP24, valeur « QN99999Z » : QPV inconnu du référentiel 2024" in errors


def test_duplicate_ident_rep_names_both_lines(landlord, qpvs, lodging_file):
    errors, _ = refused(lodging_file([lodging_row(1), lodging_row(2), lodging_row(1)]), landlord)
    assert "ligne 4, colonne IDENT_REP, valeur « 0860000001 » : IDENT_REP en double : lignes 2 et 4." in errors


def test_ident_rep_of_another_landlord_is_refused_without_naming_it(landlord, landlord2, qpvs, lodging_file):
    LodgingFactory(residence__landlord=landlord2, rpls_id="0860000002")
    errors, _ = refused(lodging_file(3), landlord)
    assert "ligne 3, colonne IDENT_REP, valeur « 0860000002 » : Cet IDENT_REP appartient" in errors
    assert landlord2.name not in errors
    assert Lodging.objects.get(rpls_id="0860000002").landlord == landlord2


def test_missing_required_columns_are_named(landlord, qpvs, spreadsheet):
    errors, _ = refused(spreadsheet([["IDENT_REP", "LIBCOM"], ["0860000001", "Poitiers"]]), landlord)
    assert "Colonnes obligatoires absentes : DEPCOM, NOMVOIE" in errors


def test_empty_nomvoie_is_refused(landlord, qpvs, lodging_file):
    errors, _ = refused(lodging_file([lodging_row(1, NOMVOIE="  ")]), landlord)
    assert "ligne 2, colonne NOMVOIE" in errors and "valeur obligatoire" in errors


def test_values_out_of_range_are_refused(landlord, qpvs, lodging_file):
    header = [*HEADER, "NBPIECE", "SURFHAB", "CONSTRUCT", "TYPECONST", "CODEPOSTAL"]
    rows = [lodging_row(1, NBPIECE=2.5, SURFHAB="grand", CONSTRUCT=72, TYPECONST="X", CODEPOSTAL="860")]
    errors, message = refused(lodging_file(rows, header=list(dict.fromkeys(header))), landlord)
    assert "5 erreurs" in message
    for column in ["NBPIECE", "SURFHAB", "CONSTRUCT", "TYPECONST", "CODEPOSTAL"]:
        assert f"colonne {column}" in errors


def test_too_long_text_is_refused(landlord, qpvs, lodging_file):
    errors, _ = refused(lodging_file([lodging_row(1, NUMVOIE="1" * 11)]), landlord)
    assert "texte trop long (10 caractères au plus)" in errors


def test_header_only_is_refused(landlord, qpvs, lodging_file, spreadsheet):
    errors, _ = refused(spreadsheet([HEADER]), landlord)
    assert "aucun logement" in errors


def test_empty_file_is_refused(landlord, qpvs, tmp_path):
    path = tmp_path / "vide.xlsx"
    path.write_bytes(b"")
    errors, _ = refused(path, landlord)
    assert "Le fichier est vide" in errors


def test_csv_named_xlsx_is_refused(landlord, qpvs, tmp_path):
    path = tmp_path / "extrait.xlsx"
    path.write_text("IDENT_REP;DEPCOM;NOMVOIE\n0860000001;86194;RUE X\n")
    errors, _ = refused(path, landlord)
    assert "n'est pas un classeur Excel" in errors


def test_file_over_the_size_limit_is_refused(landlord, qpvs, lodging_file, settings):
    settings.IMPORT_MAX_BYTES = 1024
    errors, _ = refused(lodging_file(3), landlord)
    assert "trop volumineux" in errors


def test_unknown_landlord_siren_is_refused(qpvs, lodging_file):
    with pytest.raises(CommandError, match="Aucun bailleur avec le SIREN 732829320"):
        call_command("import_lodgings", str(lodging_file(1)), "--landlord", "732829320")


def test_city_siren_is_no_landlord(city, qpvs, lodging_file):
    with pytest.raises(CommandError, match="Aucun bailleur"):
        call_command("import_lodgings", str(lodging_file(1)), "--landlord", city.siren)


def test_missing_file_is_refused(landlord):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("import_lodgings", "/nulle/part.xlsx", "--landlord", landlord.siren)


def test_dry_run_counts_and_writes_nothing(landlord, qpvs, lodging_file):
    out = StringIO()
    call_command("import_lodgings", str(lodging_file(2)), "--landlord", landlord.siren, "--dry-run", stdout=out)
    assert "créés : 2" in out.getvalue() and "Simulation" in out.getvalue()
    assert not Lodging.objects.exists() and not ImportBatch.objects.exists()


def test_a_second_landlord_imports_its_own_stock_alongside(landlord, landlord2, qpvs, lodging_file):
    import_file(ImportKind.LODGINGS, landlord=landlord, path=lodging_file(2))
    outcome = import_file(ImportKind.LODGINGS, landlord=landlord2, path=lodging_file([lodging_row(9)]))
    assert (outcome.created, outcome.absent) == (1, 0)  # landlord's dwellings are not "absent" for landlord2
    assert Residence.objects.filter(landlord=landlord2).count() == 1


def test_duplicate_is_named_even_when_the_first_line_has_another_error(landlord, qpvs, lodging_file):
    errors, message = refused(lodging_file([lodging_row(1, DEPCOM="X"), lodging_row(1)]), landlord)
    assert "2 erreurs" in message
    assert "IDENT_REP en double : lignes 2 et 3." in errors
