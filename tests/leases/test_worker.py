"""The real thing, outside the test database: the commands' exit status, and a long import run by
`manage.py db_worker` (the database backend of django-tasks) on a file SQLite database."""

import subprocess
import sys
import textwrap

import pytest
from django.conf import settings

from tests.leases.conftest import HEADER, lodging_row, table, xlsx_bytes

SIREN = "732829320"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A migrated file database with a landlord, its admin and the QPV; run(*args) runs manage.py on it."""
    root = tmp_path_factory.mktemp("projet")
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "SQLITE_PATH": str(root / "db.sqlite3"),
        "MEDIA_ROOT": str(root / "media"),
        "PATH": "/usr/bin:/bin",
    }

    def run(*args, check=True):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], env=env, capture_output=True, text=True, cwd=settings.BASE_DIR
        )
        if check:
            assert result.returncode == 0, result.stderr
        return result

    def shell(code):
        return run("shell", "-v", "0", "-c", textwrap.dedent(code)).stdout.strip()

    run("migrate", "-v0")
    shell(f"""
        from accounts.models import Membership, Organization, User
        from leases.demo import seed_qpv
        seed_qpv()
        landlord = Organization.objects.create(kind="landlord", siren="{SIREN}", name="Bailleur")
        user = User.objects.create_user("alice@bailleur.fr", "x")
        Membership.objects.create(user=user, organization=landlord, role="admin")
    """)
    run.shell, run.root = shell, root
    return run


def test_command_exits_with_status_1_and_prints_the_errors(project):
    bad = project.root / "mauvais.xlsx"
    bad.write_bytes(xlsx_bytes(table([lodging_row(1), lodging_row(2, DEPCOM="XX")], HEADER)))
    result = project("import_lodgings", str(bad), "--landlord", SIREN, check=False)
    assert result.returncode == 1
    assert "ligne 3, colonne DEPCOM, valeur « XX » : code INSEE de commune invalide" in result.stderr
    assert "1 erreur : rien n'a été enregistré." in result.stderr
    assert project.shell("from leases.models import Lodging; print(Lodging.objects.count())") == "0"


def test_long_import_checked_then_applied_by_the_worker(project):
    """Upload → validate_import task → preview; confirm → apply_import task → written."""
    media = project.root / "media" / "imports"
    media.mkdir(parents=True, exist_ok=True)
    (media / "long.xlsx").write_bytes(xlsx_bytes(table([lodging_row(n) for n in range(1, 301)], HEADER)))
    pk = project.shell("""
        from accounts.models import Organization, User
        from leases.models import ImportBatch
        from leases.tasks import validate_import
        batch = ImportBatch(landlord=Organization.objects.get(kind="landlord"), kind="lodgings",
                            file_name="long.xlsx", stored_file="imports/long.xlsx",
                            created_by=User.objects.get())
        batch.save()
        validate_import.enqueue(batch.pk)
        print(batch.pk)
    """)
    project("db_worker", "--batch", "--no-reload", "--no-startup-delay")
    state = project.shell(f"""
        from accounts.models import User
        from leases.models import ImportBatch
        from leases.tasks import apply_import
        batch = ImportBatch.objects.get(pk={pk})
        print(batch.state, batch.validated_rows, batch.total_rows, batch.created_count)
        batch.confirm(by=User.objects.get())
        batch.save()
        apply_import.enqueue(batch.pk, User.objects.get().pk)
    """)
    assert state == "ready 300 300 300"
    project("db_worker", "--batch", "--no-reload", "--no-startup-delay")
    result = project.shell(f"""
        from leases.models import ImportBatch, Lodging
        batch = ImportBatch.objects.get(pk={pk})
        print(batch.state, Lodging.objects.count(), bool(batch.stored_file))
    """)
    assert result == "applied 300 False"
