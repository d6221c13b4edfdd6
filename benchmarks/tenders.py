"""Tender pages at scale: `python -m benchmarks.tenders [TENDERS] [BIDS_PER_TENDER]`.

Builds a throw-away SQLite database (test settings), fills it with published and opened tenders
and their bids (bulk_create), then times the pages people open most: the tender list of a
landlord, of an operator and of city staff, a tender's bids tab after opening, and the tender
export. Prints figures; asserts nothing.
"""

import datetime
import os
import sys
import tempfile
import time
from decimal import Decimal


def main(tenders=300, bids_per_tender=6):
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"
    os.environ["SQLITE_PATH"] = os.path.join(tempfile.mkdtemp(), "bench.sqlite3")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from accounts.models import Kind, Membership, Organization, Role, TerritoryCommune, User
    from leases.models import Lodging, Residence
    from operators.models import Bid, Tender

    def org(kind, siren, name):
        return Organization.objects.create(kind=kind, siren=siren, name=name)

    landlord = org(Kind.LANDLORD, "501234561", "Bailleur")
    city = org(Kind.CITY, "200069854", "Ville")
    TerritoryCommune.objects.create(organization=city, insee_code="86194")
    operators = [org(Kind.OPERATOR, s, f"Opérateur {i}") for i, s in enumerate(["412345670", "413456781"])]
    operators += [org(Kind.OPERATOR, f"9{i:07d}", f"Opérateur {i + 2}") for i in range(bids_per_tender - 2)]
    users = {}
    for name, organization in [("landlord", landlord), ("city", city), ("operator", operators[0])]:
        users[name] = User.objects.create_user(f"{name}@bench.fr", "x" * 12)
        Membership.objects.create(user=users[name], organization=organization, role=Role.ADMIN)
    residence = Residence.objects.create(landlord=landlord, group_key="R", name="R", commune="86194")
    Lodging.objects.bulk_create(
        [
            Lodging(landlord=landlord, residence=residence, rpls_id=f"B{i:09d}", commune="86194", street_name="RUE")
            for i in range(200)
        ]
    )
    now = timezone.now()
    rows = Tender.objects.bulk_create(
        [
            Tender(
                landlord=landlord,
                reference=f"BENCH-{i:05d}",
                title=f"Appel {i}",
                estimated_value_ht=Decimal("100000"),
                state="opened" if i % 2 else "published",
                procedure="adapted",
                published_at=now - datetime.timedelta(days=50),
                questions_deadline=now + datetime.timedelta(days=5),
                deadline=now + datetime.timedelta(days=10) if i % 2 == 0 else now - datetime.timedelta(days=1),
                opened_at=now if i % 2 else None,
                perimeter_dwellings=200,
            )
            for i in range(tenders)
        ]
    )
    Tender.residences.through.objects.bulk_create(
        [Tender.residences.through(tender=t, residence=residence) for t in rows]
    )
    Bid.objects.bulk_create(
        [
            Bid(
                tender=t,
                operator=operator,
                state="opened" if t.state == "opened" else "submitted",
                unit_price_ht=Decimal("8") + j,
                download_mbps=1000,
                upload_mbps=500,
                submitted_at=now,
            )
            for t in rows
            for j, operator in enumerate(operators)
        ]
    )
    print(f"{tenders} appels d'offres, {tenders * bids_per_tender} offres, 200 logements par périmètre")
    opened = rows[1]
    pages = [
        ("landlord", reverse("operators:tender_list")),
        ("operator", reverse("operators:tender_list")),
        ("city", reverse("operators:tender_list")),
        ("landlord", reverse("operators:tender_bids", args=[opened.pk])),
        ("landlord", reverse("operators:tender_export")),
        ("operator", reverse("operators:bid_list")),
    ]
    for who, url in pages:
        client = Client()
        client.force_login(users[who])
        client.get(url)  # warm up
        runs = 5
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            for _ in range(runs):
                response = client.get(url)
            elapsed = (time.perf_counter() - started) / runs
        print(
            f"{who:9s} {url:40s} {response.status_code} {elapsed * 1000:7.1f} ms "
            f"{len(queries.captured_queries) // runs:3d} requêtes"
        )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
