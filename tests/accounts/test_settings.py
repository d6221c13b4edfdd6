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


def test_production_refuses_to_start_without_a_secret_key():
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
    }
    result = subprocess.run([sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY doit être défini" in result.stderr


def test_sqlite_is_set_up_for_a_web_process_and_a_worker_writing_together():
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        options = settings.DATABASES["default"]["OPTIONS"]
        assert options["transaction_mode"] == "IMMEDIATE"
        assert "journal_mode=WAL" in options["init_command"]
        assert options["timeout"] >= 5
