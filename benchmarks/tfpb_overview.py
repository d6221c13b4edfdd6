"""City-wide TFPB figures at two sizes: `python -m benchmarks.tfpb_overview [landlords ...]`.

Builds, in Django's throwaway test database (in-memory SQLite, or a test copy of DATABASE_URL's
PostgreSQL database, dropped at the end), one EPCI and the State reviewing the 2025 reports of
N landlords, each with a convention over 3 QPV and 8 actions per QPV. Then prints, for each size:
the time and SQL query count of the city's overview page (per landlord and per QPV), the time and
size of the city-wide xlsx of all reports of the year, and the time of one report's PDF.
The overview's query count must not grow with N.
"""

import os
import sys
import time
from decimal import Decimal


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.test.utils import setup_databases, setup_test_environment

    setup_test_environment()
    return setup_databases(verbosity=0, interactive=False)


def build(landlords):
    from importlib import import_module

    from django.apps import apps

    from accounts.models import Kind, Membership, Organization, Role, TerritoryCommune, User
    from leases.models import Lodging, Qpv, QpvCommune, Residence
    from tfpb.models import Action, Axis, Convention, ConventionParty, ConventionState, PartyRole, Programme, Report

    import_module("tfpb.migrations.0002_axes_and_rules").load(apps, None)
    run = Organization.objects.count()
    city = Organization.objects.create(kind=Kind.CITY, name=f"EPCI {run}", siren=f"{200000000 + run:09d}"[:9])
    state = Organization.objects.create(kind=Kind.STATE, name=f"Préfecture {run}", siren=f"{170000000 + run:09d}")
    TerritoryCommune.objects.bulk_create([TerritoryCommune(organization=o, insee_code="86194") for o in (city, state)])
    user = User.objects.create_user(f"ville{run}@exemple.fr", "x")
    Membership.objects.create(user=user, organization=city, role=Role.ADMIN)
    qpvs = []
    for n in range(3):
        qpv, _ = Qpv.objects.get_or_create(code=f"QN0869{n}M", defaults={"name": f"Quartier {n}"})
        QpvCommune.objects.get_or_create(qpv=qpv, insee_code="86194")
        qpvs.append(qpv)
    axes = list(Axis.objects.all())
    report_ids = []
    for i in range(landlords):
        landlord = Organization.objects.create(
            kind=Kind.LANDLORD, name=f"Bailleur {run}-{i}", siren=f"{run:03d}{i:06d}"
        )
        residence = Residence.objects.create(landlord=landlord, group_key="R", name="R", commune="86194", qpv=qpvs[0])
        Lodging.objects.bulk_create(
            [
                Lodging(
                    landlord=landlord,
                    residence=residence,
                    rpls_id=f"B{run:02d}{i:04d}{d:03d}",
                    commune="86194",
                    street_name="RUE",
                    qpv=qpvs[d % 3],
                )
                for d in range(150)
            ]
        )
        convention = Convention.objects.create(landlord=landlord)
        convention.qpvs.set(qpvs)
        ConventionParty.objects.bulk_create(
            [
                ConventionParty(convention=convention, organization=landlord, role=PartyRole.LANDLORD),
                ConventionParty(convention=convention, organization=city, role=PartyRole.EPCI, reviews_reports=True),
                ConventionParty(convention=convention, organization=state, role=PartyRole.STATE, reviews_reports=True),
            ]
        )
        Convention.objects.filter(pk=convention.pk).update(state=ConventionState.IN_FORCE)
        report = Report.open(convention=Convention.objects.get(pk=convention.pk), year=2025)
        report_ids.append(report.pk)
        Programme.objects.filter(report=report).update(abatement_amount=Decimal("11500"))
        Action.objects.bulk_create(
            [
                Action(
                    programme=programme,
                    axis=axes[a % 8],
                    title=f"Action {a}",
                    planned_amount=Decimal("1400"),
                    realised_amount=Decimal("1350.50"),
                    dwellings_concerned=50,
                    indicators="12 animations",
                )
                for programme in report.programmes.all()
                for a in range(8)
            ]
        )
    return user, report_ids


def measure(landlords):
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.pdf import render_pdf
    from tfpb.exports import report_context, year_xlsx
    from tfpb.models import Report

    user, report_ids = build(landlords)
    client = Client()
    client.force_login(user)
    client.get("/tfpb/synthese/", {"year": "2025"})  # warm-up
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get("/tfpb/synthese/", {"year": "2025"})
        overview = time.perf_counter() - start
    assert response.status_code == 200
    reports = Report.objects.filter(pk__in=report_ids)
    start = time.perf_counter()
    content = year_xlsx(reports)
    xlsx = time.perf_counter() - start
    report = Report.objects.select_related("convention__landlord").get(pk=report_ids[0])
    start = time.perf_counter()
    pdf = render_pdf("tfpb/pdf/report.html", report_context(report))
    pdf_time = time.perf_counter() - start
    actions = landlords * 3 * 8
    print(
        f"{landlords:>4} bailleurs, {landlords * 3:>4} programmes, {actions:>5} actions : "
        f"synthèse {overview * 1000:7.0f} ms en {len(queries):>2} requêtes ; "
        f"xlsx de l'année {xlsx * 1000:6.0f} ms ({len(content) / 1024:6.0f} Kio) ; "
        f"PDF d'un bilan {pdf_time * 1000:5.0f} ms ({len(pdf) / 1024:4.0f} Kio)"
    )


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [20, 200]
    old = setup()
    from django.db import connection
    from django.test.utils import teardown_databases

    print(f"Base : {connection.vendor}")
    try:
        for size in sizes:
            measure(size)
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
