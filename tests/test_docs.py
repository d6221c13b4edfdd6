"""README.md and the Makefile stay true: every command, setting, benchmark and demo account is listed."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
OUR_APPS = [config.name for config in apps.get_app_configs() if (ROOT / config.name).is_dir()]


def section(title):
    return README.split(f"## {title}", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("command", sorted(name for name, app in get_commands().items() if app in OUR_APPS))
def test_every_command_of_our_apps_is_in_the_commands_table(command):
    assert f"`manage.py {command}" in section("Commandes")


@pytest.mark.parametrize(
    "variable",
    sorted(
        set(
            re.findall(
                r'(?:os\.environ(?:\.get)?[\[(]|env_bool\(|env_list\()\s*"(\w+)"',
                (ROOT / "config" / "settings.py").read_text(),
            )
        )
    ),
)
def test_every_setting_read_from_the_environment_is_in_the_configuration_table(variable):
    assert f"`{variable}`" in section("Configuration (variables d'environnement)")


@pytest.mark.parametrize(
    "script",
    sorted(path.stem for path in (ROOT / "benchmarks").glob("*.py") if "__main__" in path.read_text(encoding="utf-8")),
)
def test_every_benchmark_is_listed(script):
    assert f"python -m benchmarks.{script}" in section("Mesures de performance")
    assert f"python -m benchmarks.{script}" in (ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "account",
    sorted(
        {
            address
            for path in ROOT.glob("*/demo.py")
            for address in re.findall(r"([\w.-]+)@demo\.quartiers-connectes\.fr", path.read_text(encoding="utf-8"))
        }
    ),
)
def test_every_demo_account_is_printed_by_make_run_and_in_the_readme(account):
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(rf'@echo "\s+{re.escape(account)}@demo\.quartiers-connectes\.fr\s', makefile)
    assert f"`{account}`" in README
