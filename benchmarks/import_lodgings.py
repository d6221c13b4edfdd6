"""Benchmark of `manage.py import_lodgings` on a landlord-sized RPLS extract (issue 3).

    python -m benchmarks.import_lodgings --rows 100000 [--equipment-rows 100000]

Writes a 100,000-row RPLS `.xlsx` of 70 columns (benchmarks/out/, kept for the next run),
times the bare calamine read of it, then `import_lodgings` into an empty database, then the
same file again (all unchanged), each in its own process so that each peak memory
(`ru_maxrss`, which counts calamine's memory outside Python's) is its own.
Then `import_equipment` of a CSV naming the first `--equipment-rows` of those dwellings (a box
or an outlet each, so every line records an event and refreshes its dwelling), and the same
file again (all unchanged). `--equipment-rows 0` skips it.

Database: a throwaway SQLite file it migrates itself, or, when DATABASE_URL points to
PostgreSQL, a throwaway database created next to that one (`<name>_bench`, dropped after).

Goals on the 2-core reference machine: each import under 10 s, within 4 times the bare
read, peak memory under 500 MB.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
SIREN = "732829320"  # a valid SIREN no demo organisation uses
GOAL_SECONDS, GOAL_RATIO, GOAL_MB = 10.0, 4.0, 500


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


# ---------------------------------------------------------------------------------------------
# Phases, each run in a fresh process: `python -m benchmarks.import_lodgings --phase NAME FILE`


def phase_read(path):
    """The bare calamine read: open the workbook, load the first sheet, turn every row into Python."""
    import python_calamine

    start = time.perf_counter()
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = sum(1 for _ in workbook.get_sheet_by_index(0).iter_rows())
    return {"seconds": time.perf_counter() - start, "rows": rows - 1}


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log: production behaviour


def phase_setup(path):
    _django()
    from accounts.models import Kind, Organization
    from leases.demo import seed_qpv

    seed_qpv()
    Organization.objects.get_or_create(siren=SIREN, defaults={"kind": Kind.LANDLORD, "name": "Bailleur du banc"})
    return {}


def phase_import(path):
    _django()
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    start = time.perf_counter()
    call_command("import_lodgings", str(path), "--landlord", SIREN, stdout=out)
    seconds = time.perf_counter() - start
    counts = dict(line.split(" : ") for line in out.getvalue().splitlines() if " : " in line)
    return {"seconds": seconds, "counts": counts}


def phase_equipment(path):
    _django()
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    start = time.perf_counter()
    call_command("import_equipment", str(path), "--landlord", SIREN, stdout=out)
    seconds = time.perf_counter() - start
    counts = dict(line.split(" : ") for line in out.getvalue().splitlines() if " : " in line)
    return {"seconds": seconds, "counts": counts}


def write_equipment_csv(path, rows):
    """The equipment of the first `rows` dwellings of the extract (same IDENT_REP as rpls_rows)."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("IDENT_REP;EQUIPEMENT;DATE_EQUIPEMENT\r\n")
        for i in range(rows):
            status = "Prise fibre présente" if i % 4 == 0 else "Box installée"
            out.write(f"086{i:07d};{status};{1 + i % 28:02d}/{1 + i % 12:02d}/2025\r\n")


PHASES = {"read": phase_read, "setup": phase_setup, "import": phase_import, "equipment": phase_equipment}


# ---------------------------------------------------------------------------------------------
# The orchestra


def run_phase(name, path, env):
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.import_lodgings", "--phase", name, str(path)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.exit(f"La phase « {name} » a échoué :\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def database(env, keep):
    """A throwaway database: (description, env for the phases, cleanup)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        path = OUT / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"SQLite ({path.relative_to(ROOT)})", env | {"SQLITE_PATH": str(path)}, lambda: None
    import psycopg
    from psycopg import sql

    base, _, name = url.rpartition("/")
    name = name.split("?")[0]
    bench = f"{name}_bench"
    maintenance = f"{base}/postgres"  # the named database need not exist: the bench makes its own
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(bench)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(bench)))

    def drop():
        if keep:
            return
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(bench)))

    return f"PostgreSQL (base jetable {bench})", env | {"DATABASE_URL": f"{base}/{bench}"}, drop


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--equipment-rows", type=int, help="lignes de l'import d'équipement (par défaut --rows ; 0 : sans)"
    )
    parser.add_argument("--keep", action="store_true", help="garder la base du banc (PostgreSQL)")
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("file", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        result = PHASES[args.phase](Path(args.file))
        result["peak_mb"] = peak_mb()
        print(json.dumps(result))
        return

    from benchmarks.rpls_xlsx import COLUMNS, write_rpls_xlsx

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"rpls_{args.rows}.xlsx"
    if not path.exists():
        print(f"Écriture de {path.relative_to(ROOT)}…", flush=True)
        start = time.perf_counter()
        write_rpls_xlsx(path, args.rows)
        print(f"  écrit en {time.perf_counter() - start:.1f} s", flush=True)
    equipment_rows = min(args.rows, args.rows if args.equipment_rows is None else args.equipment_rows)
    equipment_path = OUT / f"equipment_{equipment_rows}.csv"
    if equipment_rows:
        write_equipment_csv(equipment_path, equipment_rows)
    env = dict(os.environ, DEBUG="1", PYTHONPATH=str(ROOT))
    env.pop("DATABASE_URL", None)
    description, env, cleanup = database(env, args.keep)
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
        run_phase("setup", path, env)
        read = run_phase("read", path, env)
        first = run_phase("import", path, env)
        again = run_phase("import", path, env)
        if equipment_rows:
            equipment = run_phase("equipment", equipment_path, env)
            equipment_again = run_phase("equipment", equipment_path, env)
    finally:
        cleanup()

    size = path.stat().st_size / 1024 / 1024
    print()
    print(f"Fichier : {args.rows} lignes × {len(COLUMNS)} colonnes, {size:.1f} Mo ({path.relative_to(ROOT)})")
    print(f"Base : {description}")
    print(f"{'':28}{'secondes':>10}{'lignes/s':>12}{'× lecture':>11}{'pic mémoire':>14}")
    ok = True
    for label, result in [
        ("lecture calamine seule", read),
        ("import, base vide", first),
        ("réimport, tout inchangé", again),
    ]:
        ratio = result["seconds"] / read["seconds"]
        speed = f"{args.rows / result['seconds']:,.0f}".replace(",", " ")
        print(f"{label:28}{result['seconds']:>10.2f}{speed:>12}{ratio:>10.2f}×{result['peak_mb']:>11.0f} Mo")
        if result is not read:
            ok &= result["seconds"] < GOAL_SECONDS and ratio <= GOAL_RATIO and result["peak_mb"] < GOAL_MB
    print(f"import : {first['counts']}")
    print(f"réimport : {again['counts']}")
    verdict = "atteints" if ok else "NON atteints"
    print(f"Objectifs (< {GOAL_SECONDS:.0f} s, ≤ {GOAL_RATIO:.0f}× la lecture, < {GOAL_MB} Mo) : {verdict}.")
    if not equipment_rows:
        return
    print()
    print(f"Équipement : {equipment_rows} lignes CSV ({equipment_path.relative_to(ROOT)}), même base")
    print(f"{'':28}{'secondes':>10}{'lignes/s':>12}{'pic mémoire':>14}")
    equipment_ok = True
    for label, result in [("import, tout change", equipment), ("réimport, tout inchangé", equipment_again)]:
        speed = f"{equipment_rows / result['seconds']:,.0f}".replace(",", " ")
        print(f"{label:28}{result['seconds']:>10.2f}{speed:>12}{result['peak_mb']:>11.0f} Mo")
        equipment_ok &= result["seconds"] < GOAL_SECONDS and result["peak_mb"] < GOAL_MB
    print(f"import : {equipment['counts']}")
    print(f"réimport : {equipment_again['counts']}")
    verdict = "atteints" if equipment_ok else "NON atteints"
    print(f"Objectifs (< {GOAL_SECONDS:.0f} s, < {GOAL_MB} Mo) : {verdict}.")


if __name__ == "__main__":
    main()
