"""`import_leases FILE --landlord SIREN`: lease references and dates, the same all-or-nothing rules."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from leases.models import ImportBatch, ImportKind, Lease
from tests.leases.factories import LodgingFactory

pytestmark = pytest.mark.django_db
HEADER = ["IDENT_REP", "REFERENCE_BAIL", "DATE_DEBUT", "DATE_FIN"]


@pytest.fixture
def stock(landlord):
    return [LodgingFactory(residence__landlord=landlord, rpls_id=f"08600{n:05d}") for n in (1, 2, 3)]


def run(path, landlord):
    out = StringIO()
    call_command("import_leases", str(path), "--landlord", landlord.siren, stdout=out)
    return out.getvalue()


def refused(path, landlord):
    before = (Lease.objects.count(), ImportBatch.objects.count())
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_leases", str(path), "--landlord", landlord.siren, stderr=err)
    assert (Lease.objects.count(), ImportBatch.objects.count()) == before
    return err.getvalue(), str(raised.value)


def test_leases_are_created_then_updated_by_reference(landlord, stock, spreadsheet):
    path = spreadsheet(
        [HEADER, ["0860000001", "B-1", datetime.date(2020, 1, 1), None], ["0860000002", "B-2", "01/09/2023", ""]]
    )
    assert "créés : 2" in run(path, landlord)
    lease = Lease.objects.get(reference="B-1")
    assert (lease.lodging, lease.start, lease.end) == (stock[0], datetime.date(2020, 1, 1), None)
    assert ImportBatch.objects.get().kind == ImportKind.LEASES
    path = spreadsheet([HEADER, ["0860000001", "B-1", "01/01/2020", "30/06/2024"]], "baux.csv")
    out = run(path, landlord)
    assert "modifiés : 1" in out and "créés : 0" in out
    assert Lease.objects.get(reference="B-1").end == datetime.date(2024, 6, 30)
    assert Lease.objects.count() == 2


def test_same_file_twice_changes_nothing(landlord, stock, spreadsheet):
    path = spreadsheet([HEADER, ["0860000001", "B-1", "01/01/2020", ""]], "baux.csv")
    run(path, landlord)
    assert "inchangés : 1" in run(path, landlord)


def test_column_names_in_any_case_and_with_aliases(landlord, stock, spreadsheet):
    path = spreadsheet([["ident rep", "Référence", "Début", "Fin"], ["0860000001", "B-1", "01/01/2020", ""]], "b.csv")
    run(path, landlord)
    assert Lease.objects.filter(reference="B-1").exists()


def test_ident_rep_of_another_landlord_is_refused_without_naming_it(landlord, landlord2, stock, spreadsheet):
    LodgingFactory(residence__landlord=landlord2, rpls_id="0860000009")
    errors, _ = refused(spreadsheet([HEADER, ["0860000009", "B-9", "01/01/2020", ""]]), landlord)
    assert "ligne 2, colonne IDENT_REP, valeur « 0860000009 » : Cet IDENT_REP appartient" in errors
    assert landlord2.name not in errors


def test_unknown_ident_rep_is_refused(landlord, stock, spreadsheet):
    errors, _ = refused(spreadsheet([HEADER, ["0860000099", "B-9", "01/01/2020", ""]]), landlord)
    assert "IDENT_REP inconnu dans votre parc" in errors


def test_end_before_start_is_refused(landlord, stock, spreadsheet):
    errors, _ = refused(spreadsheet([HEADER, ["0860000001", "B-1", "01/01/2020", "31/12/2019"]]), landlord)
    assert "ligne 2, colonne DATE_FIN" in errors and "précède son début" in errors


def test_missing_start_or_reference_is_refused(landlord, stock, spreadsheet):
    errors, message = refused(spreadsheet([HEADER, ["0860000001", "", "", ""]]), landlord)
    assert "2 erreurs" in message
    assert "colonne REFERENCE_BAIL" in errors and "colonne DATE_DEBUT" in errors


def test_duplicate_lease_names_both_lines(landlord, stock, spreadsheet):
    rows = [HEADER, ["0860000001", "B-1", "01/01/2020", ""], ["0860000001", "B-1", "01/01/2021", ""]]
    errors, _ = refused(spreadsheet(rows), landlord)
    assert "bail en double pour ce logement : lignes 2 et 3." in errors


def test_overlapping_leases_of_one_dwelling_are_refused(landlord, stock, spreadsheet):
    Lease.objects.create(lodging=stock[0], reference="ANCIEN", start=datetime.date(2015, 1, 1))
    errors, _ = refused(spreadsheet([HEADER, ["0860000001", "B-1", "01/01/2020", ""]]), landlord)
    assert "ligne 2, colonne DATE_DEBUT" in errors and "chevauche le bail ANCIEN" in errors


def test_closing_the_old_lease_and_opening_the_new_one_in_one_file(landlord, stock, spreadsheet):
    Lease.objects.create(lodging=stock[0], reference="ANCIEN", start=datetime.date(2015, 1, 1))
    rows = [HEADER, ["0860000001", "ANCIEN", "01/01/2015", "31/12/2019"], ["0860000001", "B-1", "01/01/2020", ""]]
    out = run(spreadsheet(rows), landlord)
    assert "créés : 1" in out and "modifiés : 1" in out
    assert stock[0].current_lease().reference == "B-1"


def test_missing_required_columns_are_named(landlord, stock, spreadsheet):
    errors, _ = refused(spreadsheet([["IDENT_REP", "DATE_FIN"], ["0860000001", ""]]), landlord)
    assert "Colonnes obligatoires absentes : REFERENCE_BAIL, DATE_DEBUT" in errors


def test_header_only_is_refused(landlord, stock, spreadsheet):
    errors, _ = refused(spreadsheet([HEADER]), landlord)
    assert "aucun bail" in errors
