"""The demo, exported: a valid package where nothing sealed or losing shows."""

import io
import json

from django.core.management import call_command

from operators.models import Bid
from tests.operators.ocds_schema import shows, validation_errors


def test_the_demo_export_validates_and_shows_nothing_sealed(db, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    path = tmp_path / "ocds.json"
    call_command("export_ocds", "--output", str(path), stdout=io.StringIO())
    package = json.loads(path.read_text(encoding="utf-8"))
    assert validation_errors(package) == []
    assert {r["ocid"].rsplit("-qc-", 1)[1] for r in package["releases"]} == {
        "DEMO-2026-01",
        "DEMO-2026-02",
        "DEMO-2026-03",
        "DEMO-2026-04",
    }  # not the draft
    sealed_or_lost = Bid.objects.exclude(state="awarded")
    assert sealed_or_lost.count() == 5
    assert not any(shows(package, bid) for bid in sealed_or_lost)
    assert all(shows(package, bid) for bid in Bid.objects.filter(state="awarded"))
    rolled_out = [r for r in package["releases"] if r["ocid"].endswith("DEMO-2026-01")]
    assert rolled_out[-1]["tag"] == ["implementation"]  # the subscriptions demo's rollout
    assert len(rolled_out[-1]["contracts"][0]["implementation"]["milestones"]) == 3
    published = [r for r in package["releases"] if r["ocid"].endswith("DEMO-2026-04")]
    assert len(published) == 1 and "bids" not in published[0] and "tenderers" not in published[0]["tender"]
