import gzip
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from leases.models import FibreState, MatchConfidence, Residence
from tests.leases.factories import LodgingFactory, ResidenceFactory

HEADER = (
    "x,y,imb_id,num_voie,cp_no_voie,type_voie,nom_voie,batiment,code_insee,code_poste,nom_com,"
    "catg_loc_imb,imb_etat,pm_ref,pm_etat,code_l331,geom_mod,type_imb"
)


def line(imb_id, number, street_type, street, insee, state, repetition="", sep=","):
    cells = ["0.35", "46.58", imb_id, number, repetition, street_type, street, "", insee, "86000", "Poitiers"]
    cells += ["", state, "PM-1", "deploye", "", "", "immeuble"]
    return sep.join(cells)


def write(tmp_path, lines, encoding="utf-8", sep=",", name="arcep.csv"):
    path = tmp_path / name
    header = HEADER.replace(",", sep)
    path.write_bytes(("\n".join([header, *lines]) + "\n").encode(encoding))
    return path


def run(path):
    out = StringIO()
    call_command("import_arcep", str(path), stdout=out)
    return out.getvalue()


@pytest.fixture
def residences(landlord, landlord2):
    """Four residences, their dwellings' addresses written as RPLS extracts write them."""
    made = {}
    for name, commune, number, street_type, street in [
        ("Clos Gaultier", "86214", "4", "AV", "DU CLOS GAULTIER"),
        ("Couronneries", "86194", "12", "BD", "DES COURONNERIES"),
        ("Saint-Eloi", "86041", "7", "R", "ST ELOI"),
        ("Nulle Part", "86194", "1", "RUE", "INCONNUE"),
    ]:
        residence = ResidenceFactory(
            landlord=landlord, name=name, commune=commune, address="", unmatched=True, fibre_building_id=""
        )
        LodgingFactory(residence=residence, street_number=number, street_type=street_type, street_name=street)
        made[name] = residence
    made["Brest"] = ResidenceFactory(
        landlord=landlord2, name="Brest", commune="29019", address="RUE DE SIAM", fibre_state=FibreState.DEPLOYED
    )
    return made


def fresh(residence):
    residence.refresh_from_db()
    return residence.fibre_state, residence.fibre_match_confidence, residence.fibre_building_id


@pytest.mark.django_db
def test_matches_by_commune_and_normalised_address(tmp_path, residences):
    path = write(
        tmp_path,
        [
            # Exact number and street, spelled differently: accents, case, abbreviation, punctuation.
            line("IMB/86214/1", "4", "AVENUE", "du Clos-Gaultier", "86214", "deploye"),
            # Same street, another number: medium confidence.
            line("IMB/86194/2", "30", "BOULEVARD", "des Couronneries", "86194", "en cours de deploiement"),
            # Same name, another street type: low confidence.
            line("IMB/86041/3", "7", "ALLEE", "Saint-Éloi", "86041", "signe"),
            # Same address in another commune: never matched.
            line("IMB/86066/4", "1", "RUE", "INCONNUE", "86066", "deploye"),
        ],
    )
    out = run(path)
    assert fresh(residences["Clos Gaultier"]) == (FibreState.DEPLOYED, MatchConfidence.HIGH, "IMB/86214/1")
    assert fresh(residences["Couronneries"]) == (FibreState.DEPLOYING, MatchConfidence.MEDIUM, "IMB/86194/2")
    assert fresh(residences["Saint-Eloi"]) == (FibreState.SIGNED, MatchConfidence.LOW, "IMB/86041/3")
    assert fresh(residences["Nulle Part"]) == (FibreState.UNKNOWN, None, "")
    assert residences["Nulle Part"].fibre_updated_at is not None
    assert "Résidences rapprochées : 3 (confiance : 1 élevée, 1 moyenne, 1 faible)." in out
    assert "Résidences non rapprochées : 1." in out
    assert "Immeubles lus : 4 (dont 3 dans les communes de nos résidences)." in out


@pytest.mark.django_db
def test_communes_absent_from_the_file_are_left_as_they_were(tmp_path, residences):
    out = run(write(tmp_path, [line("IMB/86214/1", "4", "AV", "DU CLOS GAULTIER", "86214", "deploye")]))
    assert fresh(residences["Brest"])[0] == FibreState.DEPLOYED
    assert residences["Brest"].fibre_updated_at is None
    assert "Résidences de communes absentes du fichier (inchangées) : 4." in out


@pytest.mark.django_db
def test_best_state_among_the_buildings_at_the_best_confidence(tmp_path, residences):
    path = write(
        tmp_path,
        [
            line("IMB/A", "12", "BD", "DES COURONNERIES", "86194", "cible"),
            line("IMB/B", "12", "BD", "DES COURONNERIES", "86194", "raccordable demande"),
            # A better state further down the street does not beat the building at the right number.
            line("IMB/C", "40", "BD", "DES COURONNERIES", "86194", "deploye"),
        ],
    )
    run(path)
    assert fresh(residences["Couronneries"]) == (FibreState.ON_REQUEST, MatchConfidence.HIGH, "IMB/B")


@pytest.mark.django_db
def test_repetition_index_and_leading_zeros(tmp_path, residences):
    lodging = residences["Clos Gaultier"].lodgings.get()
    lodging.street_number, lodging.repetition = "4", "B"
    lodging.save()
    path = write(
        tmp_path,
        [
            line("IMB/4", "4", "AV", "DU CLOS GAULTIER", "86214", "cible"),
            line("IMB/4B", "004", "AV", "DU CLOS GAULTIER", "86214", "deploye", repetition="BIS"),
        ],
    )
    run(path)
    assert fresh(residences["Clos Gaultier"]) == (FibreState.DEPLOYED, MatchConfidence.HIGH, "IMB/4B")


@pytest.mark.django_db
def test_windows_1252_with_semicolons(tmp_path, residences):
    path = write(
        tmp_path, [line("IMB/1", "7", "RUE", "SAINT-ÉLOI", "86041", "déployé", sep=";")], encoding="cp1252", sep=";"
    )
    run(path)
    assert fresh(residences["Saint-Eloi"]) == (FibreState.DEPLOYED, MatchConfidence.HIGH, "IMB/1")


@pytest.mark.django_db
def test_utf8_with_bom(tmp_path, residences):
    path = tmp_path / "arcep.csv"
    content = "\n".join([HEADER, line("IMB/1", "7", "RUE", "SAINT-ÉLOI", "86041", "deploye")])
    path.write_bytes("\ufeff".encode() + content.encode("utf-8"))
    run(path)
    assert fresh(residences["Saint-Eloi"])[1] == MatchConfidence.HIGH


@pytest.mark.django_db
def test_gzip_and_zip(tmp_path, residences):
    content = "\n".join([HEADER, line("IMB/1", "7", "", "RUE SAINT ELOI", "86041", "deploye")]).encode()
    gz = tmp_path / "arcep.csv.gz"
    gz.write_bytes(gzip.compress(content))
    run(gz)
    assert fresh(residences["Saint-Eloi"])[1] == MatchConfidence.HIGH
    archive = tmp_path / "arcep.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("2025T2-IMB.csv", content.replace(b"deploye", b"signe"))
    run(archive)
    assert fresh(residences["Saint-Eloi"])[0] == FibreState.SIGNED


@pytest.mark.django_db
def test_the_residence_address_is_tried_too(tmp_path, landlord):
    residence = ResidenceFactory(landlord=landlord, commune="86194", address="3 place de France", unmatched=True)
    run(write(tmp_path, [line("IMB/1", "3", "PL", "DE FRANCE", "86194", "deploye")]))
    assert fresh(residence)[1] == MatchConfidence.HIGH


@pytest.mark.django_db
def test_short_and_unknown_lines_are_counted_not_fatal(tmp_path, residences):
    path = write(
        tmp_path,
        [
            "0.1,46.5,IMB/short",
            line("IMB/X", "7", "RUE", "SAINT ELOI", "86041", "en travaux"),
            line("IMB/1", "4", "AV", "DU CLOS GAULTIER", "86214", "deploye"),
        ],
    )
    out = run(path)
    assert "Lignes ignorées : 1 illisibles, 1 à l'état inconnu (imb_etat)." in out
    assert fresh(residences["Clos Gaultier"])[1] == MatchConfidence.HIGH


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Le fichier est vide."),
        (b"imb_id,num_voie,nom_voie\nIMB/1,4,RUE X\n", "Colonnes obligatoires absentes : code_insee, imb_etat"),
        (b"\x1f\x8b\x08\x00garbage", "Lecture impossible du fichier"),
    ],
)
def test_bad_files_are_refused_with_a_french_message(tmp_path, residences, content, message):
    path = tmp_path / "arcep.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match="rien n'a été enregistré") as error:
        run(path)
    assert message in str(error.value)
    assert Residence.objects.filter(fibre_updated_at__isnull=False).count() == 0


@pytest.mark.django_db
def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        run(tmp_path / "absent.csv")
