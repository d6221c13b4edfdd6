"""Benchmark of the subscriptions at a landlord's scale (issue 6).

    python -m benchmarks.rollout --lodgings 100000

Builds a landlord with LODGINGS dwellings in 100 residences (leases, a collective agreement and
a 75 % landlord's share in each), an active contract over all of them and its twelve monthly
invoices for last year; then times the three steps of the issue:

1. starting the rollout: a planned subscription (and its dated event) for every dwelling;
2. applying an operator's report of LODGINGS lines (a ';' CSV: every dwelling active, with its
   box serial), boxes recorded in the housing stock;
3. computing last year's regularisation for every lease (provisions vs actual cost).

Database: a throwaway SQLite file, or with DATABASE_URL a throwaway PostgreSQL database next to
it (`<name>_bench`, dropped afterwards; benchmarks/import_lodgings.py makes it). Goal on the
2-core reference machine: each step under 15 s on PostgreSQL.
"""

import argparse
import datetime
import io
import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 15.0
RESIDENCES = 100


def phase_run(lodgings):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction

    settings.DEBUG = False  # no query log: production behaviour
    from accounts.models import Kind, Membership, Organization, Role, User
    from leases.models import EquipmentStatus, Lease, Lodging, Residence
    from operators.models import Bid, Contract, ContractState, Tender
    from subscriptions.models import (
        ChargeSetting,
        LegalBasis,
        OperatorInvoice,
        Regularisation,
        Subscription,
        ensure_rules_seeded,
    )
    from subscriptions.reports import apply_report
    from subscriptions.rollout import start_rollout

    year = datetime.date.today().year - 1
    start = datetime.date(year, 1, 1)
    timings = {}

    # Setup (not timed): the stock, the contract, the bases, the settings, the invoices.
    begin = time.perf_counter()
    ensure_rules_seeded()
    landlord = Organization.objects.create(kind=Kind.LANDLORD, siren="732829320", name="Bailleur du banc")
    operator = Organization.objects.create(kind=Kind.OPERATOR, siren="412345670", name="Opérateur du banc")
    user = User.objects.create_user("banc@example.fr", "x" * 12)
    Membership.objects.create(user=user, organization=landlord, role=Role.ADMIN)
    residences = Residence.objects.bulk_create(
        Residence(landlord=landlord, group_key=f"R{i}", name=f"Résidence {i:03d}", commune="86194")
        for i in range(RESIDENCES)
    )
    per_residence = lodgings // RESIDENCES
    for residence in residences:
        Lodging.objects.bulk_create(
            (
                Lodging(
                    landlord=landlord,
                    residence=residence,
                    rpls_id=f"{residence.pk:04d}{i:06d}",
                    commune="86194",
                    street_name="RUE DU BANC",
                    living_area=Decimal(40 + i % 50),
                )
                for i in range(per_residence)
            ),
            batch_size=5000,
        )
    ids = list(Lodging.objects.filter(landlord=landlord).values_list("pk", "rpls_id"))

    # 95 % let; one in seven moving in during the year (proration on their first month).
    def lease_start(n):
        return datetime.date(year, 1 + n % 12, 1 + n % 28) if n % 7 == 0 else datetime.date(2020, 1, 1)

    Lease.objects.bulk_create(
        (
            Lease(lodging_id=pk, reference=f"BAIL-{rpls_id}", start=lease_start(n))
            for n, (pk, rpls_id) in enumerate(ids)
            if n % 20
        ),
        batch_size=5000,
    )
    tender = Tender.objects.create(landlord=landlord, reference="BANC-1", title="Banc", estimated_value_ht=1)
    bid = Bid.objects.create(
        tender=tender, operator=operator, unit_price_ht=Decimal("8.90"), download_mbps=1000, upload_mbps=500
    )
    contract = Contract.objects.create(
        tender=tender,
        bid=bid,
        landlord=landlord,
        operator=operator,
        reference="BANC-1",
        unit_price_ht=Decimal("8.90"),
        vat_rate=Decimal("20.00"),
        installation_fee_ht=Decimal(0),
        duration_months=48,
        earliest_signature_at=datetime.datetime(year - 1, 12, 1, tzinfo=datetime.UTC),
    )
    contract.residences.set(residences)
    Contract.objects.filter(pk=contract.pk).update(
        state=ContractState.ACTIVE, start=start, end=datetime.date(year + 3, 12, 31)
    )
    contract.refresh_from_db()
    for residence in residences:
        LegalBasis.record_agreement(
            residence=residence, signed_on=start, associations="Amicale du banc", effective_from=start, by=user
        )
    ChargeSetting.objects.bulk_create(
        ChargeSetting(residence=r, valid_from=start, landlord_share_percent=Decimal(75), allocation_key=key)
        for r, key in zip(residences, ["per_dwelling", "living_area"] * (RESIDENCES // 2), strict=True)
    )
    OperatorInvoice.objects.bulk_create(
        OperatorInvoice(
            contract=contract,
            month=datetime.date(year, month, 1),
            reference=f"F{month:02d}",
            amount_ht=Decimal("8.90") * len(ids) * Decimal("0.98"),
            vat_rate=Decimal(20),
        )
        for month in range(2, 13)
    )  # January without invoice: the contract's price is used
    report = io.StringIO()
    report.write("IDENT_REP;STATUT;DATE_EFFET;NUMERO_SERIE\r\n")
    for n, (_, rpls_id) in enumerate(ids):
        report.write(f"{rpls_id};actif;{1 + n % 28:02d}/01/{year};BOX{rpls_id}\r\n")
    report_bytes = report.getvalue().encode("utf-8")
    timings["setup"] = time.perf_counter() - begin

    # 1. The rollout.
    begin = time.perf_counter()
    rollout = start_rollout(contract=contract, by=user, on=start)
    timings["rollout"] = time.perf_counter() - begin

    # 2. The operator's report.
    begin = time.perf_counter()
    outcome = apply_report(contract=contract, upload=io.BytesIO(report_bytes), file_name="rapport.csv", by=user)
    timings["report"] = time.perf_counter() - begin
    if not outcome.ok:
        sys.exit(f"Rapport refusé : {outcome.errors[:3]}")

    # 3. The year's regularisation.
    begin = time.perf_counter()
    with transaction.atomic():
        regularisation = Regularisation.objects.create(
            landlord=landlord, period_start=start, period_end=datetime.date(year, 12, 31)
        )
        lines = regularisation.compute(by=user)
    timings["regularisation"] = time.perf_counter() - begin

    return {
        "timings": timings,
        "planned": rollout.created_count,
        "report_lines": outcome.report.line_count,
        "active": Subscription.objects.filter(contract=contract, status="active").count(),
        "equipped": Lodging.objects.filter(landlord=landlord, equipment_status=EquipmentStatus.BOX).count(),
        "regularisation_lines": lines,
        "report_bytes": len(report_bytes),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lodgings", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="garder la base du banc (PostgreSQL)")
    parser.add_argument("--phase", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase_run(args.lodgings)))
        return

    from benchmarks.import_lodgings import OUT, database

    OUT.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, DEBUG="1", PYTHONPATH=str(ROOT))
    env.pop("DATABASE_URL", None)
    description, env, cleanup = database(env, args.keep)
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
        result = subprocess.run(
            [sys.executable, "-m", "benchmarks.rollout", "--phase", "--lodgings", str(args.lodgings)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            sys.exit(f"Le banc a échoué :\n{result.stderr}")
        figures = json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        cleanup()

    timings = figures["timings"]
    print(f"Base : {description}")
    print(f"Parc : {args.lodgings} logements en {RESIDENCES} résidences (préparation : {timings['setup']:.1f} s)")
    rows = [
        ("lancement du déploiement", timings["rollout"], f"{figures['planned']} abonnements prévus"),
        (
            "rapport de l'opérateur",
            timings["report"],
            f"{figures['report_lines']} lignes ({figures['report_bytes'] / 1e6:.1f} Mo), "
            f"{figures['active']} actifs, {figures['equipped']} box dans le parc",
        ),
        ("régularisation de l'année", timings["regularisation"], f"{figures['regularisation_lines']} baux"),
    ]
    print(f"{'étape':28}{'secondes':>10}  résultat")
    for label, seconds, what in rows:
        print(f"{label:28}{seconds:>10.2f}  {what}")
    ok = all(seconds < GOAL_SECONDS for _, seconds, _ in rows)
    print(f"Objectif (< {GOAL_SECONDS:.0f} s par étape) : {'atteint' if ok else 'NON atteint'}.")


if __name__ == "__main__":
    main()
