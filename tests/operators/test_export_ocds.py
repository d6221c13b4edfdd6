"""manage.py export_ocds --output FILE.json"""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from operators.releases import record_release
from tests.operators.ocds_schema import validation_errors


def test_export_writes_the_package_and_says_what_it_holds(staged, tmp_path):
    tender = staged("awarded")
    for tag in ("tender", "tenderUpdate", "award"):
        record_release(tender=tender, tag=tag)
    out, path = io.StringIO(), tmp_path / "ocds.json"
    call_command("export_ocds", "--output", str(path), stdout=out)
    assert out.getvalue().strip() == f"3 publications OCDS de 1 appel d'offres écrites dans {path}."
    package = json.loads(path.read_text(encoding="utf-8"))
    assert [r["tag"] for r in package["releases"]] == [["tender"], ["tenderUpdate"], ["award"]]
    assert validation_errors(package) == []
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_export_into_a_missing_folder_is_refused_and_writes_nothing(tmp_path):
    with pytest.raises(CommandError, match="n'existe pas : rien n'a été écrit"):
        call_command("export_ocds", "--output", str(tmp_path / "absent" / "ocds.json"))
    assert list(tmp_path.iterdir()) == []
