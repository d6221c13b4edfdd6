"""Demo TFPB conventions 2025-2030 of two Grand Poitiers landlords, with their 2025 programmes.

Habitat du Clain's 2025 report is validated by every reviewing party; Logis de la Vienne's was
validated by the Préfecture, then returned by Grand Poitiers with comments. Abatement amounts
are about 200 to 250 € per dwelling and per year (30 % of the property-tax base, domain.md §3),
and the valued actions come close to them, as in real bilans.

The subscriptions demo rolls out Habitat du Clain's Trois Cités contract a few weeks before
today, so 2025 has no subscription to value. Its programme of this year is therefore seeded in
preparation (a draft, amounts realised to date): its connectivity line in Trois Cités waits for
the landlord to take the amount proposed from the subscriptions (Bel Air has none).
"""

import datetime
from decimal import Decimal
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Enrolment, Kind, Membership, Organization, Role, User
from leases.models import Qpv

from .models import Action, ActionLine, Axis, Convention, ConventionParty, PartyRole, Report
from .valuation import connectivity_proposal

# The landlord whose subscriptions are rolled out in the demo: its programme of this year is in preparation.
IN_PREPARATION = "501234561"

# The communes of the Poitiers QPV (SIREN with a valid Luhn key) and a demo admin for each.
COMMUNES = [
    ("218601946", "Ville de Poitiers", "86194", "poitiers@demo.quartiers-connectes.fr", "Inès Poitiers"),
    ("218600419", "Ville de Buxerolles", "86041", "buxerolles@demo.quartiers-connectes.fr", "Hugo Buxerolles"),
    ("218602142", "Ville de Saint-Benoît", "86214", "saint-benoit@demo.quartiers-connectes.fr", "Léa Saint-Benoît"),
]
EPCI, STATE = "200069854", "178600011"

# landlord SIREN -> (commune SIRENs, {QPV code: (abatement €, [(axis, line?, title, planned, realised, dwellings,
# indicators)])}, signature dates in party order: landlord, communes..., EPCI, State)
CONVENTIONS = {
    "501234561": (
        ["218601946", "218602142"],
        {
            "QN08604M": (
                "41812.00",
                [
                    (
                        1,
                        None,
                        "Gardien supplémentaire aux Tilleuls",
                        "14000",
                        "14650",
                        120,
                        "1 ETP de gardiennage renforcé, présence 6 jours sur 7",
                    ),
                    (
                        3,
                        None,
                        "Nettoyage renforcé des parties communes",
                        "9500",
                        "9120",
                        180,
                        "2 passages supplémentaires par semaine",
                    ),
                    (4, None, "Enlèvement des encombrants", "5200", "6030", 180, "42 rotations, 31 tonnes"),
                    (
                        7,
                        "connectivity",
                        "Box internet incluse : part non refacturée aux locataires",
                        "4800",
                        "4410",
                        63,
                        "63 logements raccordés, 2 ateliers numériques",
                    ),
                    (8, None, "Éclairage LED des halls", "6500", "6900", 180, "14 halls équipés"),
                ],
            ),
            "QN08603M": (
                "17236.00",
                [
                    (1, None, "Médiation de soirée", "6000", "5800", 80, "120 soirées de présence"),
                    (
                        6,
                        None,
                        "Réunions de concertation et enquête de satisfaction",
                        "2000",
                        "1650",
                        80,
                        "3 réunions, 46 % de réponses",
                    ),
                    (7, "connectivity", "Raccordement et box incluse", "2400", "2180", 28, "28 logements raccordés"),
                    (8, None, "Réfection des boîtes aux lettres", "6500", "6980", 80, "80 boîtes remplacées"),
                ],
            ),
        },
        ["2025-02-12", "2025-02-27", "2025-03-04", "2025-03-13", "2025-03-24"],
    ),
    "502345671": (
        ["218601946", "218600419"],
        {
            "QN08605M": (
                "53912.00",
                [
                    (1, None, "Agents de proximité en soirée", "18000", "17400", 220, "2 agents, 5 soirs par semaine"),
                    (3, None, "Sur-entretien des cages d'escalier", "12000", "12600", 220, "18 cages"),
                    (5, None, "Vidéoprotection des halls", "9000", "9000", 150, ""),
                    (
                        7,
                        "connectivity",
                        "Wifi dans la salle commune et box solidaires",
                        "3000",
                        "2750",
                        40,
                        "40 foyers équipés",
                    ),
                ],
            ),
            "QN08606M": (
                "18437.00",
                [
                    (4, None, "Gestion des épaves et des encombrants", "4500", "3900", 90, "6 épaves enlevées"),
                    (7, None, "Fête de quartier", "2500", "2500", 90, ""),
                ],
            ),
        },
        ["2025-02-20", "2025-03-03", "2025-03-10", "2025-03-18", "2025-03-27"],
    ),
}

RETURN_COMMENT = (
    "Merci de préciser les indicateurs manquants. La vidéoprotection est un investissement : "
    "justifiez son rattachement à l'abattement ou retirez-la du bilan."
)
LINE_COMMENTS = {
    "Vidéoprotection des halls": "Investissement : relève-t-il de l'abattement ? Indiquez au moins le nombre de halls.",
    "Fête de quartier": "Indiquez le nombre de participants.",
}


def org(siren):
    return Organization.objects.get(siren=siren)


def admin_of(organization):
    return User.objects.filter(memberships__organization=organization, memberships__role=Role.ADMIN).first()


def seed_communes():
    epci, state = org(EPCI), org(STATE)
    for siren, name, insee, email, full_name in COMMUNES:
        commune, created = Organization.objects.get_or_create(siren=siren, defaults={"kind": Kind.CITY, "name": name})
        if created:
            commune.set_territory([insee])
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, settings.DEMO_PASSWORD, full_name=full_name
        )
        Membership.objects.get_or_create(user=user, organization=commune, defaults={"role": Role.ADMIN})
        for landlord in Organization.objects.filter(siren__in=CONVENTIONS):
            Enrolment.objects.get_or_create(organization=landlord, enrolled_by=commune)
    return epci, state


def seed_convention(landlord, communes, programmes, dates, epci, state):
    convention = Convention.objects.create(
        landlord=landlord,
        reference="Convention d'utilisation de l'abattement de TFPB 2025-2030",
        report_due_month=12,
        report_due_day=15,
        created_by=admin_of(landlord),
    )
    convention.qpvs.set(Qpv.objects.filter(code__in=programmes))
    parties = [(landlord, PartyRole.LANDLORD, False)]
    parties += [(org(siren), PartyRole.COMMUNE, True) for siren in communes]
    parties += [(epci, PartyRole.EPCI, True), (state, PartyRole.STATE, True)]
    for organization, role, reviews in parties:
        ConventionParty.objects.create(
            convention=convention, organization=organization, role=role, reviews_reports=reviews
        )
    for (organization, _, _), day in zip(parties, dates, strict=True):
        convention.sign(by=admin_of(organization), signed_on=datetime.date.fromisoformat(day))
        convention.save()
    convention.bring_into_force(by=None)
    convention.save()
    return convention


def fill_report(report, programmes, *, in_preparation=False, proposed=()):
    """The abatements and actions of `programmes`. `in_preparation`: this year's programme, its
    abatement indexed (+2 %), each action realised to date (in proportion of the elapsed year)
    without indicators yet, except the connectivity line of the QPV in `proposed`, left for the
    landlord to take the amount proposed from its subscriptions."""
    axes = {a.number: a for a in Axis.objects.all()}
    lines = {line.code: line for line in ActionLine.objects.exclude(code="")}
    today = timezone.localdate()
    elapsed = Decimal(today.timetuple().tm_yday) / 365
    for programme in report.programmes.select_related("qpv"):
        abatement, actions = programmes[programme.qpv.code]
        programme.abatement_amount = (Decimal(abatement) * (Decimal("1.02") if in_preparation else 1)).quantize(
            Decimal("1")
        )
        programme.save()
        for axis, line, title, planned, realised, dwellings, indicators in actions:
            if in_preparation:
                awaits = line == "connectivity" and programme.qpv.code in proposed
                realised = None if awaits else Decimal(int(Decimal(planned) * elapsed / 10) * 10)
                indicators = ""
            Action.objects.create(
                programme=programme,
                axis=axes[axis],
                line=lines.get(line),
                title=title,
                planned_amount=Decimal(planned),
                realised_amount=Decimal(realised) if realised is not None else None,
                dwellings_concerned=min(dwellings, programme.dwellings_count or dwellings),
                indicators=indicators,
            )


def seed_programme_in_preparation():
    """This year's draft programme of the landlord whose subscriptions are rolled out, when its
    convention covers this year and the subscriptions give a proposal in one of its QPV."""
    year = timezone.localdate().year
    convention = Convention.objects.filter(landlord__siren=IN_PREPARATION).select_related("landlord").first()
    if convention is None or not convention.can_open_report(year) or convention.reports.filter(year=year).exists():
        return
    proposed = {
        qpv.code
        for qpv in convention.qpvs.all()
        if connectivity_proposal(landlord=convention.landlord, qpv=qpv, year=year) is not None
    }
    if proposed:
        report = Report.open(convention=convention, year=year)
        fill_report(report, CONVENTIONS[IN_PREPARATION][1], in_preparation=True, proposed=proposed)


@transaction.atomic
def seed(stdout):
    # Tests that flush the database (browser tests) also wipe the migration's referential data.
    import_module("tfpb.migrations.0002_axes_and_rules").load(apps, None)
    if not Organization.objects.filter(siren=EPCI).exists():
        return
    epci, state = seed_communes()
    for siren, (communes, programmes, dates) in CONVENTIONS.items():
        landlord = Organization.objects.filter(siren=siren).first()
        if landlord is None or Convention.objects.filter(landlord=landlord).exists():
            continue
        convention = seed_convention(landlord, communes, programmes, dates, epci, state)
        report = Report.open(convention=convention, year=2025)
        fill_report(report, programmes)
        report = Report.objects.get(pk=report.pk)
        report.submit(by=admin_of(landlord))
        report.save()
        if siren == IN_PREPARATION:
            for party in convention.reviewing_parties():
                report.validate(by=admin_of(party.organization))
                report.save()
        else:
            report.validate(by=admin_of(state))
            report.save()
            comments = {
                action.pk: LINE_COMMENTS[action.title]
                for action in Action.objects.filter(programme__report=report, title__in=LINE_COMMENTS)
            }
            report.send_back(by=admin_of(epci), comment=RETURN_COMMENT, line_comments=comments)
            report.save()
    seed_programme_in_preparation()
    stdout.write(f"Abattement de TFPB : {Convention.objects.count()} conventions, {Report.objects.count()} bilans.")
