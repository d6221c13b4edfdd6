"""The dashboards at national scale: `python -m benchmarks.national --lodgings 1000000`.

Fills a PostgreSQL database of its own (`--database`, default postgres://postgres@127.0.0.1:5432/
qc_national; created and migrated if missing, emptied first) with a synthetic national stock: the
1,584 QPV of ../shared/data/qpv2024_list.csv (synthetic codes when the file is absent), 300
landlords, 50 cities (each the QPV communes of one department), 20 operators, residences of 20 to
80 dwellings, 24 months of dated equipment events (fibre outlets, boxes, a few removals and
contested reports), tenders and contracts, one published charter per city with its landlords'
commitments, and the TFPB programmes of last year. About 60 % of each landlord's dwellings (whole
residences) are served by contracts in progress started 6 to 24 months ago, with one subscription
per dwelling and its dated statuses (planned at the contract's start, then for most the operator's
box installed, the service active, some suspended then back, a few terminated, 1 % of the
operator's lines contested), the box also recorded in the stock's equipment events. The big tables
(residences, dwellings, equipment events, subscriptions and their events) are written with COPY,
the others with multi-row INSERTs (bulk_create), never row by row.

It first builds `--small` dwellings (10,000) and measures, then the full size and measures again,
so that the SQL query counts of the two sizes can be compared (they must be equal). For each page
it prints the median and 95th percentile of three columns:
- A: the page as served by Django (the test client: URL routing, middleware, the real view, its
  template), the figure a user waits for;
- B: the SQL that page ran, replayed alone on the database cursor (the page's database share);
- C: the same aggregates written by hand in SQL on the base tables (dwellings, events,
  subscriptions…), without the monthly summary table: what "the same aggregates as raw SQL" of
  issue 8 means, and the comparison of its goal (A within 1.5 times C);
and the ratios A/B and A/C. Then the whole territory's xlsx, the annual PDF, the open-data page
and CSV, and the monthly history: a full rebuild, an incremental refresh after a backdated
equipment event and after a backdated subscription status, and, for comparison, the territory's
history replayed live without the summary table.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/qc_national"
LANDLORDS = 300
CITIES = 50
OPERATORS = 20
HISTORY_MONTHS = 24
SERVED_SHARE = 0.6  # of each landlord's dwellings, under contracts in progress with subscriptions


def setup(database_url):
    os.environ["DATABASE_URL"] = database_url
    # Production-like: no DEBUG query log, no debug toolbar of any kind.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")
    os.environ.setdefault("EMAIL_HOST", "localhost")
    os.environ.setdefault("OCDS_PREFIX", "ocds-benchmark-qc")
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"
    create_database(database_url)
    import django

    django.setup()
    from django.conf import settings

    settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def create_database(url):
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    admin = psycopg.connect(
        dbname="postgres",
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    )
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')


# -- the synthetic country ----------------------------------------------------------------------


def qpv_list(path):
    """[(code, name, [insee…])] from the ANCT list, or 1,584 synthetic QPV over 100 departments."""
    if path and Path(path).exists():
        import csv

        with open(path, encoding="utf-8") as handle:
            return [(r["code_qp"], r["lib_qp"], r["insee_com"].split("|")) for r in csv.DictReader(handle)]
    rows = []
    for n in range(1584):
        dept = f"{1 + n % 95:02d}"
        rows.append((f"QN0{dept}{n // 95:02d}M", f"Quartier {n}", [f"{dept}{100 + n % 40:03d}"]))
    return rows


def department(code):
    """QN08604M -> 086."""
    return code[2:5]


def siren(n):
    from accounts.validators import luhn_ok

    stem = f"7{n:07d}"
    return next(stem + str(d) for d in range(10) if luhn_ok(stem + str(d)))


class Country:
    """Who and what the measures use (the_country())."""

    def __init__(self):
        self.city_user = self.landlord_user = self.operator_user = None
        self.city = self.landlord = self.operator = self.qpv = None
        self.counts = {}


def copy_rows(table, columns, lines):
    """COPY text lines (already tab-separated, \\N for NULL) into `table`."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        chunk = []
        for line in lines:
            chunk.append(line)
            if len(chunk) >= 20000:
                copy.write("".join(chunk))
                chunk = []
        if chunk:
            copy.write("".join(chunk))


def reset_sequence(table):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1)) FROM {table}")


def fill(total, qpv_path, seed=2026):
    """Empty the database, then build the country with `total` dwellings."""
    from importlib import import_module

    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Count
    from django.utils import timezone

    from accounts.models import Kind, Membership, Organization, Role, TerritoryCommune, User, territory_of
    from charter.kinds import ensure_default_kinds
    from leases.models import Lodging, Qpv, QpvCommune
    from monitoring.history import add_months, month_start
    from operators.models import ensure_rules_seeded

    rng = random.Random(seed)
    started = time.perf_counter()
    call_command("flush", interactive=False, verbosity=0)
    ensure_default_kinds()
    import_module("tfpb.migrations.0002_axes_and_rules").load(apps, None)
    ensure_rules_seeded()
    today = timezone.localdate()
    now = timezone.now()
    # Dwellings recorded two days ago: the incremental refresh measured below sees only its own change.
    stamp = (now - datetime.timedelta(days=2)).isoformat()

    with transaction.atomic():
        # QPV and communes
        rows = qpv_list(qpv_path)
        Qpv.objects.bulk_create([Qpv(code=code, name=name[:200]) for code, name, _ in rows], batch_size=2000)
        qpv_ids = dict(Qpv.objects.values_list("code", "pk"))
        QpvCommune.objects.bulk_create(
            [QpvCommune(qpv_id=qpv_ids[code], insee_code=c) for code, _, communes in rows for c in communes],
            batch_size=5000,
        )
        by_commune = {}
        by_department = {}
        for code, _, communes in rows:
            for insee in communes:
                by_commune.setdefault(insee, []).append(qpv_ids[code])
            by_department.setdefault(department(code), set()).update(communes)
        departments = sorted(by_department, key=lambda d: (-len([1 for c, *_ in rows if department(c) == d]), d))

        # Organisations
        landlords = Organization.objects.bulk_create(
            [
                Organization(kind=Kind.LANDLORD, name=f"Bailleur social {n:03d}", siren=siren(n))
                for n in range(LANDLORDS)
            ]
        )
        cities = Organization.objects.bulk_create(
            [
                Organization(kind=Kind.CITY, name=f"Collectivité du {departments[n]}", siren=siren(1000 + n))
                for n in range(min(CITIES, len(departments)))
            ]
        )
        operators = Organization.objects.bulk_create(
            [
                Organization(kind=Kind.OPERATOR, name=f"Opérateur {n:02d}", siren=siren(2000 + n))
                for n in range(OPERATORS)
            ]
        )
        TerritoryCommune.objects.bulk_create(
            [
                TerritoryCommune(organization=city, insee_code=insee)
                for city, dept in zip(cities, departments, strict=False)
                for insee in sorted(by_department[dept])
            ]
        )
        # Landlords work in one to three departments; each department has its landlords.
        landlord_departments = {}
        for n, landlord in enumerate(landlords):
            home = departments[n % len(departments)]
            extra = rng.sample(departments, rng.choice([0, 0, 1, 2]))
            landlord_departments[landlord.pk] = [home, *extra]
        department_landlords = {}
        for pk, depts in landlord_departments.items():
            for dept in depts:
                department_landlords.setdefault(dept, []).append(pk)

        # Residences and dwellings: communes weighted by their number of QPV
        communes = sorted(by_commune)
        weights = [len(by_commune[c]) + 1 for c in communes]
        commune_dept = {insee: dept for dept, cs in by_department.items() for insee in cs}
        fibre_states = ["deploye"] * 11 + ["raccordable demande"] * 2 + ["en cours de deploiement"] * 3
        fibre_states += ["signe"] * 2 + ["cible", ""]
        residences = []  # (id, landlord, commune, qpv or None, fibre, size)
        placed = 0
        while placed < total:
            insee = rng.choices(communes, weights)[0]
            qpv = rng.choice(by_commune[insee]) if rng.random() < 0.55 else None
            owners = department_landlords.get(commune_dept[insee]) or [landlords[0].pk]
            size = min(rng.randint(20, 80), total - placed)
            residences.append((len(residences) + 1, rng.choice(owners), insee, qpv, rng.choice(fibre_states), size))
            placed += size
        copy_rows(
            "leases_residence",
            [
                "id",
                "landlord_id",
                "group_key",
                "name",
                "address",
                "postcode",
                "commune",
                "commune_name",
                "qpv_id",
                "fibre_state",
                "fibre_building_id",
            ],
            (
                f"{rid}\t{landlord}\tR{rid}\tRésidence {rid}\tRUE {rid}\t\t{insee}\t\t{qpv if qpv else chr(92) + 'N'}"
                f"\t{fibre}\t\n"
                for rid, landlord, insee, qpv, fibre, _ in residences
            ),
        )
        reset_sequence("leases_residence")

        served = build_tenders(rng, landlords, operators, residences, now, today)
        first_day = add_months(month_start(today), -HISTORY_MONTHS)
        span_days = (today - first_day).days
        lodging_lines, event_lines, subscription_lines, status_lines = [], [], [], []
        lodging_id = event_id = subscription_id = status_id = 0
        for rid, landlord, insee, qpv, _, size in residences:
            in_qpv = qpv is not None
            deal = served.get(rid)
            for _ in range(size):
                lodging_id += 1
                events = []  # equipment: (kind, day, source)
                statuses = subscription_story(rng, deal[1], today) if deal else []
                installed = next((day for status, day, contested in statuses if status == "installed"), None)
                installed_ok = any(status == "installed" and not contested for status, _, contested in statuses)
                if deal and installed is not None:
                    # The operator's box, recorded in the stock with its "installed" (unless contested).
                    if rng.random() < 0.5:
                        events.append(("outlet", installed - datetime.timedelta(days=rng.randrange(1, 90)), "landlord"))
                    if installed_ok:
                        events.append(("box", installed, "operator"))
                elif not deal and rng.random() < (0.65 if in_qpv else 0.45):
                    outlet_day = first_day + datetime.timedelta(days=rng.randrange(span_days))
                    events.append(("outlet", outlet_day, "landlord"))
                    if rng.random() < 0.75:
                        box_day = outlet_day + datetime.timedelta(days=rng.randrange(1, 200))
                        if box_day <= today:
                            events.append(("box", box_day, "landlord"))
                            if rng.random() < 0.03:
                                removed = box_day + datetime.timedelta(days=rng.randrange(1, 120))
                                if removed <= today:
                                    events.append(("none", removed, "landlord"))
                status, since, box_event = "none", None, "\\N"
                for kind, day, source in events:
                    event_id += 1
                    contested = source == "landlord" and rng.random() < 0.02
                    recorded = f"{day.isoformat()} 12:00:00+00"
                    event_lines.append(
                        f"{event_id}\t{lodging_id}\t{kind}\t{day.isoformat()}\t{recorded}\t{source}\t"
                        f"{recorded if contested else chr(92) + 'N'}\t\n"
                    )
                    if source == "operator":
                        box_event = str(event_id)
                    if not contested:
                        status, since = kind, (day if kind != "none" else None)
                if deal:
                    subscription_id += 1
                    current, current_since = "planned", deal[1]
                    for kind, day, contested in statuses:
                        status_id += 1
                        recorded = f"{day.isoformat()} 12:00:00+00"
                        source = "rollout" if kind == "planned" else "operator_report"
                        link = box_event if kind == "installed" else "\\N"
                        status_lines.append(
                            f"{status_id}\t{subscription_id}\t{kind}\t{day.isoformat()}\t{recorded}\t{source}\t\t\t"
                            f"{link}\t{recorded if contested else chr(92) + 'N'}\t\n"
                        )
                        if not contested:
                            current, current_since = kind, day
                    subscription_lines.append(
                        f"{subscription_id}\t{deal[0]}\t{lodging_id}\t{current}\t{current_since.isoformat()}\t\t{stamp}\n"
                    )
                exited = rng.random() < 0.01
                exit_reason = "sold" if exited else ""
                exited_on = (
                    (first_day + datetime.timedelta(days=rng.randrange(span_days))).isoformat() if exited else "\\N"
                )
                lodging_lines.append(
                    f"{lodging_id}\t{landlord}\t{rid}\t{lodging_id:010d}\t\t{insee}\t\t\t{1 + lodging_id % 90}\t\tRUE"
                    f"\tDES BENCHMARKS\t\t\t\t{lodging_id % 12}\t\t{lodging_id % 50}\t{qpv if qpv else chr(92) + 'N'}"
                    f"\tC\t\t{exit_reason}\t{exited_on}\t{status}\t{since.isoformat() if since else chr(92) + 'N'}"
                    f"\t{stamp}\t{stamp}\n"
                )
        copy_rows(
            "leases_lodging",
            [
                "id",
                "landlord_id",
                "residence_id",
                "rpls_id",
                "internal_id",
                "commune",
                "postcode",
                "commune_name",
                "street_number",
                "repetition",
                "street_type",
                "street_name",
                "building",
                "building_name",
                "entrance",
                "floor",
                "staircase",
                "flat",
                "qpv_id",
                "construction_type",
                "financing",
                "exit_reason",
                "exited_on",
                "equipment_status",
                "equipment_date",
                "created_at",
                "updated_at",
            ],
            iter(lodging_lines),
        )
        del lodging_lines
        reset_sequence("leases_lodging")
        copy_rows(
            "leases_equipmentevent",
            ["id", "lodging_id", "status", "effective_date", "recorded_at", "source", "contested_at", "contest_reason"],
            iter(event_lines),
        )
        del event_lines
        reset_sequence("leases_equipmentevent")
        copy_rows(
            "subscriptions_subscription",
            ["id", "contract_id", "lodging_id", "status", "status_date", "box_serial", "created_at"],
            iter(subscription_lines),
        )
        del subscription_lines
        reset_sequence("subscriptions_subscription")
        copy_rows(
            "subscriptions_subscriptionevent",
            [
                "id",
                "subscription_id",
                "status",
                "effective_date",
                "recorded_at",
                "source",
                "reason",
                "box_serial",
                "equipment_event_id",
                "contested_at",
                "contest_reason",
            ],
            iter(status_lines),
        )
        del status_lines
        reset_sequence("subscriptions_subscriptionevent")

        build_charters(rng, cities, now, today)
        build_tfpb(rng, cities, today)

        # Who measures: the largest city, its largest landlord, an operator with contracts
        from operators.models import Contract

        users = [("ville@bench.fr", cities[0])]
        contracts = Contract.objects.values("operator_id").order_by("operator_id")
        users.append(("operateur@bench.fr", Organization.objects.get(pk=contracts[0]["operator_id"])))
        for email, organization in users:
            user = User.objects.create_user(email, "x" * 12)
            Membership.objects.create(user=user, organization=organization, role=Role.ADMIN)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    city_user = User.objects.get(email="ville@bench.fr")
    there = Lodging.objects.filter(commune__in=territory_of(city_user))
    top = there.values("landlord_id").annotate(n=Count("pk")).order_by("-n")[0]
    user = User.objects.create_user("bailleur@bench.fr", "x" * 12)
    Membership.objects.create(user=user, organization_id=top["landlord_id"], role=Role.ADMIN)
    return time.perf_counter() - started


def the_country():
    """Who and what the measures use, found again in a filled database."""
    from django.db.models import Count

    from accounts.models import User, territory_of
    from charter.models import Commitment
    from leases.models import EquipmentEvent, Lodging, Qpv, Residence
    from subscriptions.models import Subscription, SubscriptionEvent

    country = Country()
    country.city_user = User.objects.get(email="ville@bench.fr")
    country.landlord_user = User.objects.get(email="bailleur@bench.fr")
    country.operator_user = User.objects.get(email="operateur@bench.fr")
    country.city = country.city_user.memberships.get().organization
    country.landlord = country.landlord_user.memberships.get().organization
    country.operator = country.operator_user.memberships.get().organization
    there = Lodging.objects.filter(commune__in=territory_of(country.city_user))
    # The territory's largest QPV with a charter commitment, at both sizes: a QPV without any would
    # skip the commitments' measure, one query fewer for want of data, not thanks to the size.
    committed = Commitment.objects.filter(signature__charter__city=country.city).values("qpv_id")
    top = there.filter(qpv__in=committed).values("qpv_id").annotate(n=Count("pk")).order_by("-n")[0]
    country.qpv = Qpv.objects.get(pk=top["qpv_id"])
    country.counts = {
        "dwellings": Lodging.objects.count(),
        "residences": Residence.objects.count(),
        "events": EquipmentEvent.objects.count(),
        "subscriptions": Subscription.objects.count(),
        "statuses": SubscriptionEvent.objects.count(),
        "active": Subscription.objects.filter(status="active").count(),
        "territory": there.count(),
        "landlord": Lodging.objects.filter(landlord=country.landlord).count(),
    }
    return country


def subscription_story(rng, start, today):
    """The dated statuses of one subscription planned at its contract's `start`: [(status, day, contested)]."""
    story = [("planned", start, False)]

    def then(status, day):
        if day > today:
            return False
        story.append((status, day, rng.random() < 0.01))  # the landlord contests 1 % of the operator's lines
        return True

    installed = start + datetime.timedelta(days=rng.randrange(15, 400))
    if rng.random() < 0.85 and then("installed", installed) and rng.random() < 0.92:
        active = installed + datetime.timedelta(days=rng.randrange(0, 21))
        if then("active", active):
            fate = rng.random()
            if fate < 0.08:
                suspended = active + datetime.timedelta(days=rng.randrange(30, 300))
                if then("suspended", suspended) and rng.random() < 0.6:
                    then("active", suspended + datetime.timedelta(days=rng.randrange(5, 60)))
            elif fate < 0.11:
                then("terminated", active + datetime.timedelta(days=rng.randrange(60, 500)))
    return story


def build_tenders(rng, landlords, operators, residences, now, today):
    """Tenders of every state, and the contracts in progress serving SERVED_SHARE of each landlord's
    dwellings (whole residences, 10 to 30 a contract, started 6 to 24 months ago).
    Returns {residence id: (contract id, start)}."""
    from decimal import Decimal

    from operators.models import Bid, Contract, Tender

    by_landlord = {}
    for rid, landlord, *_, size in residences:
        by_landlord.setdefault(landlord, []).append((rid, size))
    other_states = ["draft", "published", "published", "opened", "evaluation", "awarded", "cancelled", "unsuccessful"]
    tenders, links, starts = [], [], []
    for landlord in landlords:
        mine = by_landlord.get(landlord.pk, [])
        if not mine:
            continue
        shuffled = rng.sample(mine, len(mine))
        goal, covered, groups, group, wanted = SERVED_SHARE * sum(n for _, n in mine), 0, [], [], rng.randint(10, 30)
        for rid, n in shuffled:
            if covered >= goal:
                break
            group.append(rid)
            covered += n
            if len(group) >= wanted:
                groups.append(group)
                group, wanted = [], rng.randint(10, 30)
        if group:
            groups.append(group)
        for n, group in enumerate(groups):
            start = today - datetime.timedelta(days=rng.randint(180, 720))
            published = now - datetime.timedelta(days=(today - start).days + rng.randint(60, 200))
            tenders.append(
                Tender(
                    landlord=landlord,
                    reference=f"AO-{landlord.pk}-M{n}",
                    title="Une box dans chaque logement",
                    estimated_value_ht=Decimal("150000"),
                    state="contracted",
                    published_at=published,
                )
            )
            links.append(group)
            starts.append(start)
        rest = [rid for rid, _ in shuffled[sum(len(g) for g in groups) :]] or [rid for rid, _ in mine]
        for n in range(3):
            state = rng.choice(other_states)
            published = None if state == "draft" else now - datetime.timedelta(days=rng.randint(30, 600))
            tenders.append(
                Tender(
                    landlord=landlord,
                    reference=f"AO-{landlord.pk}-{n}",
                    title="Une box dans chaque logement",
                    estimated_value_ht=Decimal("150000"),
                    state=state,
                    published_at=published,
                    ended_at=published + datetime.timedelta(days=60)
                    if state in ("cancelled", "unsuccessful")
                    else None,
                )
            )
            links.append(rng.sample(rest, min(len(rest), rng.randint(2, 10))))
            starts.append(None)
    tenders = Tender.objects.bulk_create(tenders, batch_size=1000)
    Tender.residences.through.objects.bulk_create(
        [Tender.residences.through(tender=t, residence_id=r) for t, rs in zip(tenders, links, strict=True) for r in rs],
        batch_size=5000,
    )
    contracted = [(t, rs, start) for t, rs, start in zip(tenders, links, starts, strict=True) if start is not None]
    bids = Bid.objects.bulk_create(
        [
            Bid(
                tender=t,
                operator=rng.choice(operators),
                state="awarded",
                unit_price_ht=Decimal("9"),
                download_mbps=1000,
                upload_mbps=500,
            )
            for t, _, _ in contracted
        ]
    )
    sizes = {rid: size for rid, *_, size in residences}
    contracts = Contract.objects.bulk_create(
        [
            Contract(
                tender=t,
                bid=b,
                landlord_id=t.landlord_id,
                operator_id=b.operator_id,
                reference=t.reference,
                dwelling_count=sum(sizes[r] for r in rs),
                unit_price_ht=Decimal("9"),
                vat_rate=Decimal("20"),
                installation_fee_ht=Decimal("0"),
                duration_months=48,
                earliest_signature_at=now - datetime.timedelta(days=(today - start).days + 10),
                state="active",
                start=start,
                end=add_years(start, 4) - datetime.timedelta(days=1),
            )
            for (t, rs, start), b in zip(contracted, bids, strict=True)
        ]
    )
    Contract.residences.through.objects.bulk_create(
        [
            Contract.residences.through(contract=c, residence_id=r)
            for c, (_, rs, _) in zip(contracts, contracted, strict=True)
            for r in rs
        ],
        batch_size=5000,
    )
    return {r: (c.pk, start) for c, (_, rs, start) in zip(contracts, contracted, strict=True) for r in rs}


def add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def build_charters(rng, cities, now, today):
    from decimal import Decimal

    from django.db.models import Count

    from charter.models import Charter, Commitment, CommitmentKind, Signature
    from leases.models import Lodging

    kind = CommitmentKind.objects.get(code="equipped_share")
    charters = Charter.objects.bulk_create(
        [
            Charter(
                city=city,
                preamble="La connexion internet, un droit pour tous.",
                state="open",
                published_at=now - datetime.timedelta(days=300),
                effective_date=today - datetime.timedelta(days=300),
            )
            for city in cities
        ]
    )
    signatures, pairs = [], []
    for charter in charters:
        communes = charter.city.territory.values("insee_code")
        present = (
            Lodging.objects.filter(commune__in=communes, qpv__isnull=False)
            .values("landlord_id", "qpv_id")
            .annotate(n=Count("pk"))
            .order_by("landlord_id", "qpv_id")
        )
        seen = {}
        for row in present:
            if row["landlord_id"] not in seen:
                seen[row["landlord_id"]] = Signature(
                    charter=charter,
                    organization_id=row["landlord_id"],
                    state="signed",
                    signed_at=now - datetime.timedelta(days=200),
                )
                signatures.append(seen[row["landlord_id"]])
            if rng.random() < 0.5:
                pairs.append((seen[row["landlord_id"]], row["qpv_id"]))
    Signature.objects.bulk_create(signatures, batch_size=2000)
    Commitment.objects.bulk_create(
        [
            Commitment(
                signature=signature,
                kind=kind,
                qpv_id=qpv,
                target_value=Decimal(rng.choice([50, 80, 100])),
                due_date=today + datetime.timedelta(days=rng.randint(-30, 700)),
                starts_on=today - datetime.timedelta(days=200),
                baseline_value=Decimal(rng.randint(5, 40)),
            )
            for signature, qpv in pairs
        ],
        batch_size=2000,
    )


def build_tfpb(rng, cities, today):
    from decimal import Decimal

    from django.db.models import Count

    from leases.models import Lodging
    from tfpb.models import Action, ActionLine, Axis, Convention, ConventionParty, Programme, Report

    axes = {a.number: a for a in Axis.objects.all()}
    line = ActionLine.objects.get(code=ActionLine.CONNECTIVITY)
    year = today.year - 1
    for city in cities:
        communes = city.territory.values("insee_code")
        present = {}
        rows = Lodging.objects.filter(commune__in=communes, qpv__isnull=False).values("landlord_id", "qpv_id")
        for row in rows.annotate(n=Count("pk")).order_by():
            present.setdefault(row["landlord_id"], []).append(row["qpv_id"])
        conventions = Convention.objects.bulk_create(
            [Convention(landlord_id=landlord, state="in_force") for landlord in present]
        )
        ConventionParty.objects.bulk_create(
            [
                ConventionParty(convention=c, organization_id=o, role=r, reviews_reports=r != "landlord")
                for c in conventions
                for o, r in ((c.landlord_id, "landlord"), (city.pk, "epci"))
            ]
        )
        reports = Report.objects.bulk_create(
            [
                Report(convention=c, year=year, state=rng.choice(["draft", "submitted", "validated"]))
                for c in conventions
            ]
        )
        programmes = Programme.objects.bulk_create(
            [
                Programme(report=r, qpv_id=q, abatement_amount=Decimal(rng.randint(5000, 80000)))
                for r, c in zip(reports, conventions, strict=True)
                for q in present[c.landlord_id]
            ],
            batch_size=2000,
        )
        Action.objects.bulk_create(
            [
                Action(
                    programme=p,
                    axis=axes[number],
                    line=line if number == 7 and n == 2 else None,
                    title=f"Action {n}",
                    planned_amount=Decimal("3000"),
                    realised_amount=Decimal(rng.randint(500, 3000)),
                )
                for p in programmes
                for n, number in enumerate((6, 8, 7))
            ],
            batch_size=5000,
        )


# -- measures -----------------------------------------------------------------------------------


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def replayable(statements):
    """The page's statements as plain queries: a server-side cursor (a form's choices read with
    .iterator()) is captured as DECLARE … FOR <query>, FETCH, CLOSE; replay its query once."""
    plain = []
    for sql in statements:
        if sql.startswith("DECLARE "):
            plain.append(sql.split(" FOR ", 1)[1])
        elif not sql.startswith(("FETCH ", "CLOSE ")):
            plain.append(sql)
    return plain


def hand_written_sql(
    where,
    *,
    months=12,
    tenders_where,
    contracts_where,
    commitments_where,
    programmes_where,
    subscriptions_where="true",
):
    """The dashboard's aggregates as one would write them by hand in SQL over the base tables,
    without the monthly summary table: today per QPV and per landlord (equipment, active
    subscriptions), the rollout's stages, the closed months of the period replayed from the events
    (latest effective equipment event, and latest effective status of each subscription, per
    dwelling and month end), fibre-ready residences, commitments with their measured share, tenders
    and contracts by state, TFPB totals. `where` selects the dwellings (alias l) and residences
    (alias r) of the page, `subscriptions_where` the subscriptions (alias s)."""
    ready = "('deploye', 'raccordable demande')"
    active_now = (
        "EXISTS (SELECT 1 FROM subscriptions_subscription s WHERE s.lodging_id = l.id AND s.status = 'active' "
        f"AND {subscriptions_where})"
    )
    active_then = f"""EXISTS (SELECT 1 FROM subscriptions_subscription s WHERE s.lodging_id = l.id
        AND {subscriptions_where} AND (
            SELECT se.status FROM subscriptions_subscriptionevent se
            WHERE se.subscription_id = s.id AND se.contested_at IS NULL AND se.effective_date <= m.day
            ORDER BY se.effective_date DESC, se.recorded_at DESC, se.id DESC LIMIT 1
        ) = 'active')"""
    residences_where = where.replace("l.residence_id", "r.id").replace("l.", "r.")
    perimeter = "('published', 'closed', 'opened', 'evaluation', 'awarded', 'contracted')"
    return [
        f"""SELECT l.qpv_id, count(*), count(*) FILTER (WHERE l.equipment_status = 'box'),
               count(*) FILTER (WHERE l.equipment_status IN ('box', 'outlet')),
               count(*) FILTER (WHERE r.fibre_state IN {ready}),
               count(*) FILTER (WHERE EXISTS (SELECT 1 FROM operators_tender_residences tr
                   JOIN operators_tender t ON t.id = tr.tender_id
                   WHERE tr.residence_id = l.residence_id AND t.state IN {perimeter})),
               count(*) FILTER (WHERE EXISTS (SELECT 1 FROM operators_contract_residences cr
                   JOIN operators_contract c ON c.id = cr.contract_id
                   WHERE cr.residence_id = l.residence_id AND c.state = 'active')),
               count(*) FILTER (WHERE {active_now})
        FROM leases_lodging l JOIN leases_residence r ON r.id = l.residence_id
        WHERE {where} AND l.exit_reason = '' GROUP BY l.qpv_id""",
        f"""SELECT l.landlord_id, count(*), count(*) FILTER (WHERE l.equipment_status = 'box'),
               count(*) FILTER (WHERE {active_now})
        FROM leases_lodging l JOIN leases_residence r ON r.id = l.residence_id
        WHERE {where} AND l.exit_reason = '' GROUP BY l.landlord_id""",
        f"""SELECT count(DISTINCT s.lodging_id) FILTER (WHERE s.status <> 'terminated'),
               count(DISTINCT s.lodging_id) FILTER (WHERE s.status IN ('installed', 'active', 'suspended')),
               count(DISTINCT s.lodging_id) FILTER (WHERE s.status = 'suspended')
        FROM subscriptions_subscription s JOIN leases_lodging l ON l.id = s.lodging_id
        WHERE {where} AND l.exit_reason = '' AND {subscriptions_where}""",
        f"""SELECT m.day, l.qpv_id, count(*), count(*) FILTER (WHERE e.status = 'box'),
               count(*) FILTER (WHERE {active_then})
        FROM (SELECT (date_trunc('month', current_date) - make_interval(months => n) - interval '1 day')::date AS day
              FROM generate_series(0, {months - 2}) AS n) m
        JOIN leases_lodging l ON (l.exit_reason = '' OR l.exited_on > m.day)
        JOIN leases_residence r ON r.id = l.residence_id
        LEFT JOIN LATERAL (
            SELECT e.status FROM leases_equipmentevent e
            WHERE e.lodging_id = l.id AND e.contested_at IS NULL AND e.effective_date <= m.day
            ORDER BY e.effective_date DESC, e.recorded_at DESC, e.id DESC LIMIT 1
        ) e ON true
        WHERE {where}
        GROUP BY m.day, l.qpv_id""",
        f"""SELECT r.qpv_id, count(*), count(*) FILTER (WHERE r.fibre_state IN {ready}),
               (array_agg(r.name ORDER BY r.name) FILTER (WHERE r.fibre_state IN {ready}))[1:8]
        FROM leases_residence r WHERE {residences_where} AND r.qpv_id IS NOT NULL GROUP BY r.qpv_id""",
        f"""SELECT c.id, c.target_value, c.due_date, c.starts_on, c.baseline_value, o.name, q.code,
               (SELECT 100.0 * count(*) FILTER (WHERE x.equipment_status = 'box') / NULLIF(count(*), 0)
                FROM leases_lodging x WHERE x.landlord_id = s.organization_id AND x.qpv_id = c.qpv_id
                AND x.exit_reason = '')
        FROM charter_commitment c JOIN charter_signature s ON s.id = c.signature_id
        JOIN accounts_organization o ON o.id = s.organization_id LEFT JOIN leases_qpv q ON q.id = c.qpv_id
        WHERE s.state = 'signed' AND c.starts_on IS NOT NULL AND {commitments_where}""",
        f"SELECT t.state, count(*) FROM operators_tender t WHERE {tenders_where} GROUP BY t.state",
        f"""SELECT c.state, count(*), sum(c.dwelling_count) FROM operators_contract c
        WHERE {contracts_where} GROUP BY c.state""",
        f"""SELECT rp.year, rp.state, sum(p.abatement_amount),
               (SELECT sum(a.realised_amount) FROM tfpb_action a WHERE a.programme_id = ANY(array_agg(p.id))),
               (SELECT sum(a.realised_amount) FROM tfpb_action a JOIN tfpb_actionline al ON al.id = a.line_id
                WHERE al.code = 'connectivity' AND a.programme_id = ANY(array_agg(p.id)))
        FROM tfpb_programme p JOIN tfpb_report rp ON rp.id = p.report_id
        JOIN tfpb_convention cv ON cv.id = rp.convention_id
        WHERE {programmes_where} AND rp.year >= extract(year FROM current_date) - 1 GROUP BY rp.year, rp.state""",
    ]


def hand_written_pages(country):
    """(label, statements) of the pages measured, in the order of measure()'s pages."""
    city, landlord, operator, qpv = country.city.pk, country.landlord.pk, country.operator.pk, country.qpv.pk
    territory = f"l.commune IN (SELECT insee_code FROM accounts_territorycommune WHERE organization_id = {city})"
    in_territory_residence = (
        f"r2.commune IN (SELECT insee_code FROM accounts_territorycommune WHERE organization_id = {city})"
    )
    tenders_here = (
        "t.state <> 'draft' AND EXISTS (SELECT 1 FROM operators_tender_residences tr JOIN leases_residence r2 "
        f"ON r2.id = tr.residence_id WHERE tr.tender_id = t.id AND {in_territory_residence})"
    )
    contracts_here = (
        "EXISTS (SELECT 1 FROM operators_contract_residences cr JOIN leases_residence r2 "
        f"ON r2.id = cr.residence_id WHERE cr.contract_id = c.id AND {in_territory_residence})"
    )
    qpv_here = (
        "(c.qpv_id IS NULL OR c.qpv_id IN (SELECT qc.qpv_id FROM leases_qpvcommune qc WHERE qc.insee_code IN "
        f"(SELECT insee_code FROM accounts_territorycommune WHERE organization_id = {city})))"
    )
    commitments_here = (
        f"{qpv_here} AND EXISTS (SELECT 1 FROM charter_charter ch JOIN accounts_territorycommune tc "
        f"ON tc.organization_id = ch.city_id WHERE ch.id = s.charter_id AND tc.insee_code IN "
        f"(SELECT insee_code FROM accounts_territorycommune WHERE organization_id = {city}))"
    )
    programmes_here = (
        f"p.qpv_id IN (SELECT qc.qpv_id FROM leases_qpvcommune qc WHERE qc.insee_code IN (SELECT insee_code FROM "
        f"accounts_territorycommune WHERE organization_id = {city})) AND EXISTS (SELECT 1 FROM tfpb_conventionparty cp "
        f"JOIN accounts_membership mb ON mb.organization_id = cp.organization_id WHERE cp.convention_id = cv.id "
        f"AND mb.user_id = {country.city_user.pk})"
    )
    perimeter = (
        "l.residence_id IN (SELECT cr.residence_id FROM operators_contract_residences cr JOIN operators_contract c2 "
        f"ON c2.id = cr.contract_id WHERE c2.operator_id = {operator} AND c2.state IN ('pending', 'active'))"
    )
    bid_by_operator = f"EXISTS (SELECT 1 FROM operators_bid b WHERE b.tender_id = t.id AND b.operator_id = {operator})"
    return [
        hand_written_sql(
            territory,
            tenders_where=tenders_here,
            contracts_where=contracts_here,
            commitments_where=commitments_here,
            programmes_where=programmes_here,
        ),
        hand_written_sql(
            f"{territory} AND l.qpv_id = {qpv}",
            tenders_where=tenders_here,
            contracts_where=contracts_here,
            commitments_where=f"{commitments_here} AND c.qpv_id = {qpv}",
            programmes_where=f"{programmes_here} AND p.qpv_id = {qpv}",
        ),
        hand_written_sql(
            f"{territory} AND l.landlord_id = {landlord}",
            tenders_where=f"{tenders_here} AND t.landlord_id = {landlord}",
            contracts_where=f"{contracts_here} AND c.landlord_id = {landlord}",
            commitments_where=f"{commitments_here} AND s.organization_id = {landlord}",
            programmes_where=f"{programmes_here} AND cv.landlord_id = {landlord}",
        ),
        hand_written_sql(
            f"l.landlord_id = {landlord}",
            tenders_where=f"t.landlord_id = {landlord}",
            contracts_where=f"c.landlord_id = {landlord}",
            commitments_where=f"s.organization_id = {landlord}",
            programmes_where=f"cv.landlord_id = {landlord}",
        ),
        hand_written_sql(
            perimeter,
            tenders_where=bid_by_operator,
            contracts_where=f"c.operator_id = {operator}",
            commitments_where=f"s.organization_id = {operator}",
            programmes_where="false",
            subscriptions_where=f"s.contract_id IN (SELECT id FROM operators_contract WHERE operator_id = {operator})",
        ),
    ]


def run_statements(statements, runs):
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            started = time.perf_counter()
            for sql in statements:
                cursor.execute(sql)
                if cursor.description:
                    cursor.fetchall()
            times.append(time.perf_counter() - started)
    return times


def measure_page(user, url, runs):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    statements = replayable([q["sql"] for q in captured.captured_queries])
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return times, run_statements(statements, runs), len(statements), len(response.content)


def measure_once(user, url, runs=3):
    from django.test import Client

    client = Client()
    if user:
        client.force_login(user)
    times, size = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        size = len(response.content)
    return statistics.median(times), size


def ms(seconds):
    return f"{seconds * 1000:7.1f} ms"


def measure(country, runs, fill_seconds=None):
    from django.urls import reverse

    from monitoring import history
    from monitoring.history import add_months, month_end, month_start

    results = {}
    print(
        f"\n{country.counts['dwellings']:,} logements, {country.counts['residences']:,} résidences, "
        f"{country.counts['events']:,} événements d'équipement, {country.counts['subscriptions']:,} abonnements "
        f"({country.counts['active']:,} actifs, {country.counts['statuses']:,} statuts datés) ; "
        f"territoire mesuré : {country.city.name} "
        f"({country.counts['territory']:,} logements) ; bailleur mesuré : {country.landlord.name} "
        f"({country.counts['landlord']:,} logements)" + (f" ; remplissage {fill_seconds:.0f} s" if fill_seconds else "")
    )
    started = time.perf_counter()
    history.refresh(full=True)
    rebuild = time.perf_counter() - started
    from monitoring.models import MonthlyStock

    print(f"Historique mensuel, recalcul complet : {rebuild:.1f} s ({MonthlyStock.objects.count():,} lignes)")

    dashboard = reverse("monitoring:dashboard")
    pages = [
        ("Territoire entier", country.city_user, dashboard),
        ("Territoire, un QPV", country.city_user, f"{dashboard}?qpv={country.qpv.code}"),
        ("Territoire, un bailleur", country.city_user, f"{dashboard}?landlord={country.landlord.pk}"),
        (
            "Tableau de bord du bailleur",
            country.landlord_user,
            reverse("monitoring:landlord_dashboard", args=[country.landlord.pk]),
        ),
        (
            "Tableau de bord de l'opérateur",
            country.operator_user,
            reverse("monitoring:operator_dashboard", args=[country.operator.pk]),
        ),
    ]
    print(
        "\nA : la page servie par Django (client de test : URL, middlewares, vue, gabarit), ce qu'attend l'usager ;\n"
        "B : les requêtes SQL que la page a lancées, rejouées seules sur le curseur (sa part base de données) ;\n"
        "C : les mêmes agrégats écrits à la main en SQL sur les tables de base (logements, événements,\n"
        "    abonnements et leurs statuts), sans table de synthèse : le « SQL brut » de l'issue 8.\n"
        "Médiane / 95e centile, en ms ; ratios A/B et A/C. Objectifs : A < 300 ms, A/C <= 1,5."
    )
    print(f"{'page':32s} {'A':>17s} {'B':>17s} {'C':>19s} {'A/B':>5s} {'A/C':>5s} {'requêtes':>8s}")
    hand = hand_written_pages(country)
    for (label, user, url), statements in zip(pages, hand, strict=True):
        times, raw, count, _ = measure_page(user, url, runs)
        by_hand = run_statements(statements, max(3, runs // 3))
        a, b, c = statistics.median(times), statistics.median(raw), statistics.median(by_hand)
        results[label] = count
        print(
            f"{label:32s} {a * 1000:7.1f} / {percentile(times, 95) * 1000:7.1f} "
            f"{b * 1000:7.1f} / {percentile(raw, 95) * 1000:7.1f} "
            f"{c * 1000:8.1f} / {percentile(by_hand, 95) * 1000:8.1f} {a / b:5.2f} {a / c:5.2f} {count:8d}"
        )
    xlsx, size = measure_once(country.city_user, reverse("monitoring:dashboard_xlsx"), runs=3)
    print(f"xlsx du territoire entier : {xlsx:.2f} s ({size / 1024:.0f} Kio)")
    pdf, size = measure_once(country.city_user, reverse("monitoring:dashboard_pdf"), runs=2)
    print(f"PDF du rapport annuel du territoire : {pdf:.2f} s ({size / 1024:.0f} Kio)")
    page, size = measure_once(None, reverse("monitoring:open_data"), runs=3)
    csv_time, csv_size = measure_once(None, reverse("monitoring:open_data_qpv_csv"), runs=3)
    print(
        f"Données ouvertes : page {ms(page)} ({size / 1024:.0f} Kio), "
        f"CSV par QPV {ms(csv_time)} ({csv_size / 1024:.0f} Kio)"
    )

    # The history without the summary table: the territory's 24 months replayed live.
    from django.utils import timezone

    from accounts.models import TerritoryCommune

    communes = list(TerritoryCommune.objects.filter(organization=country.city).values_list("insee_code", flat=True))
    where, params = history._in_list("l.commune", communes, "c")
    last = add_months(month_start(timezone.localdate()), -1)
    started = time.perf_counter()
    history.live_monthly(first=add_months(last, -22), last=last, where=where, params=params)
    print(
        "Pour comparaison, historique du territoire rejoué sans table de synthèse : "
        f"{ms(time.perf_counter() - started)}"
    )

    # Incremental refresh: a backdated event in one commune of the territory.
    from leases.models import EquipmentStatus, Lodging

    lodging = Lodging.objects.filter(commune=communes[0]).first()
    lodging.record_equipment(status=EquipmentStatus.BOX, effective_date=month_end(add_months(last, -3)), by=None)
    started = time.perf_counter()
    summary = history.refresh(timezone.now() + history.CHECK_EVERY)
    print(f"Rafraîchissement après un équipement antidaté : {ms(time.perf_counter() - started)} ({summary})")

    # Incremental refresh: a subscription of the territory reported active three months ago.
    from subscriptions.models import EventSource, Subscription

    day = month_end(add_months(last, -3))
    planned = (
        Subscription.objects.filter(
            lodging__commune__in=communes,
            lodging__exit_reason="",
            status="planned",
            status_date__lte=day,
            contract__start__lte=day,
        )
        .select_related("contract", "lodging")
        .first()
    )
    if planned is not None:
        planned.record(status="active", effective_date=day, by=None, source=EventSource.OPERATOR)
        started = time.perf_counter()
        summary = history.refresh(timezone.now() + 2 * history.CHECK_EVERY)
        print(
            "Rafraîchissement après un abonnement activé à une date passée : "
            f"{ms(time.perf_counter() - started)} ({summary})"
        )
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lodgings", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000, help="first size, for the query counts (0: skip)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--database", default=os.environ.get("NATIONAL_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--qpv", default=None, help="ANCT list (code_qp,lib_qp,insee_com)")
    parser.add_argument("--reuse", action="store_true", help="measure the database as it is (no fill)")
    args = parser.parse_args(argv)
    base = Path(__file__).resolve().parent.parent
    qpv_path = args.qpv or next(
        (
            str(p)
            for p in (base.parent / "shared/data/qpv2024_list.csv", base.parent.parent / "shared/data/qpv2024_list.csv")
            if p.exists()
        ),
        None,
    )
    setup(args.database)
    from django.db import connection

    print(f"Base : {connection.settings_dict['NAME']} (PostgreSQL {connection.pg_version // 10000})")
    print(f"QPV : {qpv_path or 'liste synthétique (fichier de l ANCT absent)'}")
    counts = {}
    if args.reuse:
        counts["reused"] = measure(the_country(), args.runs)
        return
    for size in [s for s in (args.small, args.lodgings) if s]:
        seconds = fill(size, qpv_path)
        counts[size] = measure(the_country(), args.runs, seconds)
    if len(counts) == 2:
        small, large = counts.values()
        same = all(small[k] == large[k] for k in small)
        print(f"\nRequêtes identiques à {args.small:,} et {args.lodgings:,} logements : {'oui' if same else 'NON'}")
        for key in small:
            print(f"  {key:32s} {small[key]:3d} / {large[key]:3d}")


if __name__ == "__main__":
    sys.exit(main())
