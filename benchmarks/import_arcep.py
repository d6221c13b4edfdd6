"""Benchmark of `manage.py import_arcep` on a generated ARCEP per-building file.

    python -m benchmarks.import_arcep [--lines 300000] [--residences 2000]

Writes a fresh database (a temporary SQLite file; with DATABASE_URL, Django's test copy of that
PostgreSQL database, dropped at the end) with one landlord's residences and dwellings, generates
an ARCEP-shaped CSV (Windows-1252, one line per building, most of them in communes we do not
have, as in a regional file), then runs the real command in a child process, twice: on a tenth
of the file and on the whole of it. Prints the time, the lines per second, the ratio to a bare
`csv.reader` pass over the same file, and each run's peak memory (ru_maxrss of the child): flat
memory means the two peaks are about the same.
"""

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = [
    "x",
    "y",
    "imb_id",
    "num_voie",
    "cp_no_voie",
    "type_voie",
    "nom_voie",
    "batiment",
    "code_insee",
    "code_poste",
    "nom_com",
    "catg_loc_imb",
    "imb_etat",
    "pm_ref",
    "pm_etat",
    "code_l331",
    "geom_mod",
    "type_imb",
]
STATES = ["deploye", "deploye", "deploye", "raccordable demande", "en cours de deploiement", "signe", "cible"]
STREET_TYPES = [("RUE", "R"), ("AVENUE", "AV"), ("BOULEVARD", "BD"), ("PLACE", "PL"), ("ALLEE", "ALL")]
WORDS = ["Église", "Moulin", "Clos Gaultier", "Trois Cités", "Saint-Éloi", "Pont", "Gare", "Tilleuls", "Écoles"]


def street_name(rng):
    return f"{rng.choice(['de la', 'du', 'des', 'de l’'])} {rng.choice(WORDS)} {rng.randint(1, 400)}"


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    if not os.environ.get("DATABASE_URL"):
        os.environ["SQLITE_PATH"] = str(Path(tempfile.mkdtemp(prefix="bench-arcep-")) / "db.sqlite3")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def create_database():
    """A fresh database, and the DATABASE_URL/SQLITE_PATH the child process must use."""
    from django.core.management import call_command
    from django.db import connection

    env = dict(os.environ)
    if os.environ.get("DATABASE_URL"):
        original = connection.settings_dict["NAME"]
        name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        base, _, _ = os.environ["DATABASE_URL"].rpartition("/")
        env["DATABASE_URL"] = f"{base}/{name}"
        return env, lambda: connection.creation.destroy_test_db(original, verbosity=0)
    call_command("migrate", verbosity=0)
    return env, lambda: None


def seed(residence_count, rng):
    """One landlord, `residence_count` residences of 10 dwellings in 40 communes; their addresses."""
    from accounts.models import Organization
    from leases.models import Lodging, Residence

    landlord = Organization.objects.create(kind="landlord", name="Bailleur du banc d'essai", siren="732829320")
    communes = [f"86{n:03d}" for n in range(100, 140)]
    residences = Residence.objects.bulk_create(
        [
            Residence(landlord=landlord, group_key=f"R{i}", name=f"Résidence {i}", commune=communes[i % 40])
            for i in range(residence_count)
        ],
        batch_size=1000,
    )
    addresses, lodgings = [], []
    for residence in residences:
        short, name = rng.choice(STREET_TYPES)[1], street_name(rng)
        number = rng.randint(1, 200)
        addresses.append((residence.commune, number, short, name))
        for flat in range(10):
            lodgings.append(
                Lodging(
                    landlord=landlord,
                    residence=residence,
                    rpls_id=f"{residence.pk:06d}{flat:04d}",
                    commune=residence.commune,
                    street_number=str(number + 2 * (flat // 5)),
                    street_type=short,
                    street_name=name.upper().replace("’", " "),
                )
            )
    Lodging.objects.bulk_create(lodgings, batch_size=2000)
    return communes, addresses


def write_file(path, lines, communes, addresses, rng):
    """ARCEP-shaped CSV in Windows-1252: 30 % of the lines in our communes, a few at our addresses."""
    long_type = {short: full for full, short in STREET_TYPES}
    with open(path, "w", encoding="cp1252", errors="replace", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        for n in range(lines):
            roll = rng.random()
            if roll < 0.02:  # a building at one of our addresses (ARCEP's spelling)
                commune, number, short, name = rng.choice(addresses)
                street_type = long_type[short]
            elif roll < 0.3:  # in our communes, elsewhere
                commune, number = rng.choice(communes), rng.randint(1, 300)
                street_type, name = rng.choice(STREET_TYPES)[0], street_name(rng)
            else:  # the rest of the region
                commune, number = (
                    f"{rng.choice(['79', '16', '17', '86'])}{rng.randint(200, 399):03d}",
                    rng.randint(1, 300),
                )
                street_type, name = rng.choice(STREET_TYPES)[0], street_name(rng)
            writer.writerow(
                [
                    "0.34",
                    "46.58",
                    f"IMB/{commune}/X/{n:07d}",
                    number,
                    "",
                    street_type,
                    name,
                    "",
                    commune,
                    "86000",
                    "Commune",
                    "FTTH",
                    rng.choice(STATES),
                    "PM-1",
                    "deploye",
                    "",
                    "",
                    "immeuble",
                ]
            )


def bare_read(path):
    started = time.perf_counter()
    with open(path, encoding="cp1252", newline="") as stream:
        count = sum(1 for _ in csv.reader(stream))
    return time.perf_counter() - started, count


def run_import(path, env):
    """Run the real command in a child process: (seconds, peak RSS in MB, its output)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_arcep", str(path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"import_arcep a échoué :\n{output}")
    return elapsed, usage.ru_maxrss / 1024, output


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=300_000)
    parser.add_argument("--residences", type=int, default=2_000)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    rng = random.Random(7)
    env, drop = create_database()
    try:
        communes, addresses = seed(args.residences, rng)
        connection.close()
        workdir = Path(tempfile.mkdtemp(prefix="bench-arcep-files-"))
        print(f"Base : {connection.vendor} ; {args.residences} résidences, {args.residences * 10} logements.")
        for lines in (args.lines // 10, args.lines):
            path = workdir / f"arcep-{lines}.csv"
            write_file(path, lines, communes, addresses, random.Random(lines))
            size = path.stat().st_size / 1024 / 1024
            bare, _ = bare_read(path)
            elapsed, peak, output = run_import(path, env)
            rate = f"{lines / elapsed:,.0f}".replace(",", " ")
            print(
                f"\n{lines} lignes ({size:.0f} Mo) : import_arcep {elapsed:.2f} s (démarrage de Django compris), "
                f"{rate} lignes/s, {elapsed / bare:.1f} fois la simple lecture csv ({bare:.2f} s), "
                f"mémoire maximale {peak:.0f} Mo"
            )
            print("  " + output.strip().replace("\n", "\n  "))
    finally:
        connection.close()
        drop()


if __name__ == "__main__":
    main()
