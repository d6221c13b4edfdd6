import os
import subprocess
import sys


def test_deploy_check_passes_with_production_environment():
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": "k" * 30 + "-production-secret-from-the-environment-" + "z" * 20,
        "ALLOWED_HOSTS": "quartiers.example.fr",
        "EMAIL_HOST": "smtp.example.fr",
        "DATABASE_URL": "postgres://app@127.0.0.1:5432/app",
        "OCDS_PREFIX": "ocds-b5fd17-qc",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def bare_production_env():
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0"}


def test_deploy_check_names_the_missing_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], env=bare_production_env(), capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "obligatoires quand DEBUG est désactivé : SECRET_KEY, EMAIL_HOST, OCDS_PREFIX" in result.stderr


def test_production_refuses_to_serve_without_them():
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"], env=bare_production_env(), capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY, EMAIL_HOST, OCDS_PREFIX" in result.stderr


def test_commands_needing_no_secret_still_run_without_them():
    """makemigrations and collectstatic run in a build step where production secrets are absent."""
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        env=bare_production_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_sqlite_is_set_up_for_a_web_process_and_a_worker_writing_together():
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        options = settings.DATABASES["default"]["OPTIONS"]
        assert options["transaction_mode"] == "IMMEDIATE"
        assert "journal_mode=WAL" in options["init_command"]
        assert options["timeout"] >= 5
