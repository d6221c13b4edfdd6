"""Demo data of the foundation: the Grand Poitiers setting (fictional landlords and operators)."""

from django.conf import settings
from django.db import transaction

from .models import Enrolment, Kind, Membership, Organization, Role, User

GRAND_POITIERS_COMMUNES = ["86194", "86041", "86214", "86062", "86157", "86158"]
CHATELLERAULT = "86066"

# SIRENs: nine digits with a valid Luhn key. Landlords and operators are fictional.
ORGANIZATIONS = [
    ("city", "200069854", "Grand Poitiers Communauté urbaine", GRAND_POITIERS_COMMUNES),
    ("state", "178600011", "Préfecture de la Vienne", [*GRAND_POITIERS_COMMUNES, CHATELLERAULT]),
    ("landlord", "501234561", "Habitat du Clain (fictif)", []),
    ("landlord", "502345671", "Logis de la Vienne (fictif)", []),
    ("landlord", "503456782", "Toits Solidaires Poitou (fictif)", []),
    ("operator", "412345670", "FibreCité (fictif)", []),
    ("operator", "413456781", "Réseau Solidaire Télécom (fictif)", []),
]

# (e-mail, full name, SIREN, role): one demo user per role, printed by `make run`.
USERS = [
    ("bailleur@demo.quartiers-connectes.fr", "Camille Bailleur", "501234561", Role.ADMIN),
    ("bailleur.membre@demo.quartiers-connectes.fr", "Karim Gestionnaire", "501234561", Role.MEMBER),
    ("bailleur.lecteur@demo.quartiers-connectes.fr", "Lou Lecteur", "501234561", Role.VIEWER),
    ("bailleur2@demo.quartiers-connectes.fr", "Nadia Logis", "502345671", Role.ADMIN),
    ("bailleur3@demo.quartiers-connectes.fr", "Paul Toits", "503456782", Role.ADMIN),
    ("ville@demo.quartiers-connectes.fr", "Hélène Ville", "200069854", Role.ADMIN),
    ("etat@demo.quartiers-connectes.fr", "Jean Préfecture", "178600011", Role.ADMIN),
    ("operateur@demo.quartiers-connectes.fr", "Sofia Fibre", "412345670", Role.ADMIN),
    ("operateur2@demo.quartiers-connectes.fr", "Marc Réseau", "413456781", Role.ADMIN),
]


def org(siren):
    return Organization.objects.get(siren=siren)


@transaction.atomic
def seed(stdout):
    for kind, siren, name, territory in ORGANIZATIONS:
        organization, created = Organization.objects.get_or_create(siren=siren, defaults={"kind": kind, "name": name})
        if territory:
            organization.set_territory(territory)
    city, state = org("200069854"), org("178600011")
    for organization in Organization.objects.exclude(kind__in=[Kind.CITY, Kind.STATE]):
        Enrolment.objects.get_or_create(organization=organization, enrolled_by=city)
        if organization.kind == Kind.LANDLORD:
            Enrolment.objects.get_or_create(organization=organization, enrolled_by=state)
    for email, full_name, siren, role in USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, settings.DEMO_PASSWORD, full_name=full_name)
        Membership.objects.get_or_create(user=user, organization=org(siren), defaults={"role": role})
    stdout.write(f"Organisations et comptes de démonstration : mot de passe « {settings.DEMO_PASSWORD} ».")
