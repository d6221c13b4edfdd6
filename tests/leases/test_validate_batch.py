"""The worker's side of an upload: chunked checks that commit their progress, abandonment, crashes."""

import pytest

from leases import imports, tasks
from leases.models import ImportBatch, ImportState
from leases.tasks import UNEXPECTED, validate_batch
from tests.leases.conftest import HEADER, lodging_row, table, xlsx_bytes
from tests.leases.factories import ImportBatchFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(landlord, qpvs, private_media):
    path = private_media / "imports" / "x.xlsx"
    path.parent.mkdir(parents=True)
    path.write_bytes(xlsx_bytes(table([lodging_row(n) for n in range(1, 8)], HEADER)))
    return ImportBatchFactory(landlord=landlord, state=ImportState.PENDING, stored_file="imports/x.xlsx")


def test_progress_is_written_chunk_by_chunk(pending, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    seen = []
    report = tasks._progress

    def spy(batch, state):
        inner = report(batch, state)

        def progress(done, total):
            inner(done, total)
            seen.append(ImportBatch.objects.values_list("validated_rows", flat=True).get(pk=batch.pk))

        return progress

    monkeypatch.setattr(tasks, "_progress", spy)
    validate_batch(pending)
    assert seen == [2, 4, 6, 7]
    assert pending.state == ImportState.READY


def test_abandoned_during_the_check_stops_and_forgets_the_file(pending, monkeypatch, private_media):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    original = tasks.check_file

    def abandon_midway(*args, **kwargs):
        ImportBatch.objects.filter(pk=pending.pk).update(state=ImportState.CANCELLED)
        return original(*args, **kwargs)

    monkeypatch.setattr(tasks, "check_file", abandon_midway)
    batch = validate_batch(pending)
    assert batch.state == ImportState.CANCELLED
    assert not (private_media / "imports" / "x.xlsx").exists()


def test_a_crash_ends_the_import_refused_not_running_forever(pending, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(tasks, "check_file", crash)
    batch = validate_batch(pending)
    assert batch.state == ImportState.INVALID
    assert batch.errors[0]["message"] == UNEXPECTED
