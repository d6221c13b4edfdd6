import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Membership, Organization, User


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_add_organization_prints_the_new_organisation():
    out = run("add_organization", "landlord", "732829320", "Bailleur Test")
    assert "Organisation créée : Bailleur Test" in out
    assert Organization.objects.get(siren="732829320").kind == "landlord"


@pytest.mark.django_db
def test_add_city_with_its_territory():
    run("add_organization", "city", "200069854", "Grand Poitiers", "--territory", "86194,86041")
    assert Organization.objects.get(siren="200069854").territory_codes == ["86041", "86194"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("landlord", "732829321", "Mauvaise clé"), "clé de contrôle"),
        (("landlord", "73282932", "Trop court"), "9 chiffres"),
        (("bank", "732829320", "Type inconnu"), "Type « bank » inconnu"),
        (("city", "200069854", "Sans territoire"), "au moins une commune"),
    ],
)
def test_add_organization_refuses_bad_input_and_creates_nothing(args, message):
    with pytest.raises(CommandError, match=message):
        run("add_organization", *args)
    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_add_organization_refuses_a_duplicate_siren():
    run("add_organization", "landlord", "732829320", "Premier")
    with pytest.raises(CommandError, match="existe déjà"):
        run("add_organization", "operator", "732829320", "Doublon")
    assert Organization.objects.get().name == "Premier"


def test_add_organization_exit_status_is_1_with_a_french_message(tmp_path):
    """The real command line, as an operator types it: status 1 and the reason on stderr."""
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        "PATH": "/usr/bin:/bin",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, check=True)
    result = subprocess.run(
        [sys.executable, "manage.py", "add_organization", "landlord", "732829321", "X"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "clé de contrôle" in result.stderr


@pytest.mark.django_db
def test_add_member_creates_the_account_and_sends_the_invitation(mailoutbox, django_capture_on_commit_callbacks):
    run("add_organization", "landlord", "732829320", "Bailleur Test")
    with django_capture_on_commit_callbacks(execute=True):
        out = run("add_member", "732829320", "Admin@Bailleur.fr", "--role", "admin")
    assert "admin@bailleur.fr ajouté" in out
    assert Membership.objects.get(user__email="admin@bailleur.fr").role == "admin"
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_add_member_refuses_an_unknown_siren():
    with pytest.raises(CommandError, match="Aucune organisation"):
        run("add_member", "732829320", "a@b.fr")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_run_deadlines_is_safe_twice_in_a_row():
    assert "Échéances traitées" in run("run_deadlines")
    assert "Échéances traitées" in run("run_deadlines")


@pytest.mark.django_db
def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True
    run("seed_demo")
    counts = (Organization.objects.count(), User.objects.count(), Membership.objects.count())
    run("seed_demo")
    assert (Organization.objects.count(), User.objects.count(), Membership.objects.count()) == counts
    assert User.objects.get(email="bailleur@demo.quartiers-connectes.fr").check_password(settings.DEMO_PASSWORD)


@pytest.mark.django_db
def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        run("seed_demo")
    assert not User.objects.exists()
