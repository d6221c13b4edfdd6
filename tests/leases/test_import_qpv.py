import gzip
import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from leases.models import Qpv, QpvCommune
from tests.leases.factories import LodgingFactory, ResidenceFactory


def shared_list():
    """../shared/data/qpv2024_list.csv next to the project, when this machine has it."""
    for parent in Path(settings.BASE_DIR).resolve().parents:
        candidate = parent / "shared" / "data" / "qpv2024_list.csv"
        if candidate.exists():
            return candidate
    return None


def run(path):
    out = StringIO()
    call_command("import_qpv", str(path), stdout=out)
    return out.getvalue()


SMALL = (
    "code_qp,lib_qp,insee_com\nQN08603M,Bel Air,86194\nQN08604M,Trois Cités,86194|86214\nQN02A01M,Les Salines,2A004\n"
)


@pytest.fixture
def small_csv(tmp_path):
    path = tmp_path / "qpv.csv"
    path.write_text(SMALL, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_imports_a_small_list_with_several_communes(small_csv):
    out = run(small_csv)
    assert "QPV : 3 lus, 3 créés, 0 mis à jour, 0 inchangés" in out
    assert Qpv.objects.get(code="QN08604M").insee_codes == ["86194", "86214"]
    assert Qpv.objects.get(code="QN02A01M").insee_codes == ["2A004"]


@pytest.mark.django_db
def test_updates_existing_codes_and_keeps_those_absent_from_the_file(small_csv, tmp_path, landlord):
    run(small_csv)
    old = Qpv.objects.create(code="QN08699Z", name="Ancien quartier")
    LodgingFactory(residence=ResidenceFactory(landlord=landlord, qpv=old))
    updated = tmp_path / "qpv2.csv"
    updated.write_text(
        "code_qp,lib_qp,insee_com\nQN08603M,Bel-Air,86194\nQN08604M,Trois Cités,86194\nQN02A01M,Les Salines,2A004\n"
    )
    out = run(updated)
    assert "0 créés, 2 mis à jour, 1 inchangés ; 1 absents du fichier (conservés)" in out
    assert Qpv.objects.get(code="QN08603M").name == "Bel-Air"
    assert Qpv.objects.get(code="QN08604M").insee_codes == ["86194"]
    assert Qpv.objects.filter(code="QN08699Z").exists()
    assert Qpv.objects.count() == 4


@pytest.mark.django_db
def test_semicolons_and_windows_1252(tmp_path):
    path = tmp_path / "qpv.csv"
    path.write_bytes("CODE_QP;LIB_QP;INSEE_COM\r\nQN08605M;Couronneries Saint-Éloi;86194|86041\r\n".encode("cp1252"))
    run(path)
    assert Qpv.objects.get().name == "Couronneries Saint-Éloi"


@pytest.mark.django_db
def test_utf8_with_bom_and_gzip(tmp_path):
    path = tmp_path / "qpv.csv.gz"
    path.write_bytes(gzip.compress(("\ufeff" + SMALL).encode("utf-8")))
    run(path)
    assert Qpv.objects.count() == 3


@pytest.mark.django_db
def test_anct_geojson(tmp_path):
    path = tmp_path / "qpv.geojson"
    feature = {
        "type": "Feature",
        "properties": {"code_qp": "QN08606M", "lib_qp": "Beaulieu", "insee_com": "86194"},
        "geometry": {"type": "Polygon", "coordinates": [[[0.35, 46.58], [0.36, 46.58], [0.36, 46.59], [0.35, 46.58]]]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    run(path)
    assert str(Qpv.objects.get()) == "Beaulieu (QN08606M)"


@pytest.mark.django_db
def test_gazetteer_json_with_insee_lists(tmp_path):
    path = tmp_path / "qpv.json.gz"
    data = {"meta": {}, "qpvs": [{"code": "QN08604M", "label": "Trois Cités", "insee": ["86194", "86214"], "g": []}]}
    path.write_bytes(gzip.compress(json.dumps(data).encode()))
    run(path)
    assert Qpv.objects.get().insee_codes == ["86194", "86214"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "Le fichier est vide."),
        ("code,nom\nQN08604M,Trois Cités\n", "Colonnes obligatoires absentes : code_qp, lib_qp, insee_com"),
        (SMALL + "QP086004,Ancien code,86194\n", "Ligne 5, colonne code_qp : « QP086004 » n'est pas un code QPV 2024"),
        (SMALL + "QN08606M,Beaulieu,8619X\n", "Ligne 5, colonne insee_com : « 8619X » n'est pas un code commune INSEE"),
        (SMALL + "QN08603M,Bel Air bis,86194\n", "Ligne 5, colonne code_qp : le code QN08603M figure déjà ligne 2"),
        (SMALL + "QN08606M,,86194\n", "Ligne 5, colonne lib_qp : le nom du quartier est vide"),
        (SMALL + "QN08606M,Beaulieu,\n", "Ligne 5, colonne insee_com : aucun code commune"),
        ('{"type": "Feature"}', "JSON non reconnu"),
        ('{"features": [', "JSON illisible"),
    ],
)
def test_bad_files_are_refused_whole_with_a_french_message(tmp_path, content, message):
    path = tmp_path / "qpv.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match="rien n'a été enregistré") as error:
        run(path)
    assert message in str(error.value)
    assert not Qpv.objects.exists()
    assert not QpvCommune.objects.exists()


@pytest.mark.django_db
def test_every_error_is_counted(tmp_path):
    path = tmp_path / "qpv.csv"
    path.write_text("code_qp,lib_qp,insee_com\n" + "".join(f"BAD{i},Nom,86194\n" for i in range(150)))
    with pytest.raises(CommandError) as error:
        run(path)
    assert "(150 erreurs)" in str(error.value)
    assert "… et 50 autres erreurs." in str(error.value)


@pytest.mark.django_db
def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        run(tmp_path / "absent.csv")


@pytest.mark.django_db
def test_the_real_anct_list_when_present():
    path = shared_list()
    if path is None:
        pytest.skip("../shared/data/qpv2024_list.csv est absent de cette machine : test ignoré.")
    out = run(path)
    assert "QPV : 1584 lus, 1584 créés" in out
    assert Qpv.objects.count() == 1584
    assert Qpv.objects.get(code="QN08604M").insee_codes == ["86194", "86214"]
    assert "1584 inchangés" in run(path)
