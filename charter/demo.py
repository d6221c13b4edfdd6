"""Demo charter: Grand Poitiers' charter for the Poitiers QPV, published ten months ago.

Habitat du Clain signed and is on track, Logis de la Vienne signed and is late (targets chosen
against the demo stock of leases/demo.py, see _on_track_due_date), Toits Solidaires Poitou is
invited and has not answered (a reminder is due), FibreCité signed as operator.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_fsm_log.models import StateLog

from accounts.models import Organization, User
from leases.models import Lodging, Qpv, Residence

from .kinds import ensure_default_kinds
from .models import DEFAULT_TITLE, Charter, Commitment, CommitmentKind, Signature, log_creation, straight_line

CITY = "200069854"
POITIERS_QPV = ["QN08603M", "QN08604M", "QN08605M", "QN08606M"]

PREAMBLE = (
    "Dans les quartiers prioritaires de Poitiers, un foyer sur quatre n'a pas d'accès fixe à internet. Or les "
    "démarches administratives, la scolarité, la recherche d'emploi et les soins passent désormais par le numérique."
    "\n\n"
    "Grand Poitiers, les bailleurs sociaux et les opérateurs signataires affirment que la connexion internet est un "
    "droit, au même titre que l'eau ou l'électricité : chaque logement social doit disposer d'une box déjà "
    "installée, à un coût maîtrisé pour le locataire."
)

ARTICLES = [
    (
        "Objet",
        "La présente charte fixe les engagements de ses signataires pour que chaque logement social des quartiers "
        "prioritaires couverts dispose d'un accès à internet, inclus dans les charges ou proposé à un tarif social.",
    ),
    (
        "Engagements des bailleurs",
        "Chaque bailleur signataire s'engage sur une part de ses logements équipés d'une box dans chaque quartier, "
        "avec une échéance, sur le montant mensuel maximal demandé au locataire et sur la base juridique retenue "
        "dans chaque résidence (accord collectif ou adhésion individuelle).",
    ),
    (
        "Engagements des opérateurs",
        "Chaque opérateur signataire s'engage sur un tarif social plafond, un débit minimal, un délai de "
        "rétablissement après une panne et un accompagnement des locataires (ateliers, interlocuteur local).",
    ),
    (
        "Suivi",
        "Les engagements sont suivis à partir des données réelles du parc et des abonnements, jamais déclarées "
        "à part. Grand Poitiers publie chaque année l'état d'avancement de la charte.",
    ),
    (
        "Durée et révision",
        "La charte est conclue pour la durée du contrat de ville. Toute évolution du texte fait l'objet d'une "
        "nouvelle version, que les signataires sont invités à signer.",
    ),
]

# (SIREN, admin e-mail, days since signature or None if only invited, signatory function)
SIGNATORIES = [
    ("501234561", "bailleur@demo.quartiers-connectes.fr", 300, "Directrice générale"),
    ("502345671", "bailleur2@demo.quartiers-connectes.fr", 280, "Directrice de la gestion locative"),
    ("412345670", "operateur@demo.quartiers-connectes.fr", 250, "Directrice des relations territoriales"),
    ("503456782", "bailleur3@demo.quartiers-connectes.fr", None, ""),
]


@transaction.atomic
def seed(stdout):
    ensure_default_kinds()
    city = Organization.objects.filter(siren=CITY).first()
    if city is None or Charter.objects.filter(city=city).exists():
        return
    city_admin = User.objects.get(email="ville@demo.quartiers-connectes.fr")
    today = timezone.localdate()
    published = timezone.now() - datetime.timedelta(days=320)
    charter = Charter.objects.create(
        city=city,
        title=DEFAULT_TITLE,
        preamble=PREAMBLE,
        articles=[{"heading": heading, "body": body} for heading, body in ARTICLES],
        effective_date=published.date(),
        reminder_delay_days=15,
        created_by=city_admin,
    )
    charter.qpvs.set(Qpv.objects.filter(code__in=POITIERS_QPV))
    log_creation(charter, by=city_admin, state=Charter.State.DRAFT)
    charter.publish(by=city_admin)
    charter.save()
    Charter.objects.filter(pk=charter.pk).update(published_at=published)
    backdate(charter, published - datetime.timedelta(days=7), published)

    kinds = {k.code: k for k in CommitmentKind.objects.all()}
    for siren, email, days, function in SIGNATORIES:
        organization = Organization.objects.filter(siren=siren).first()
        admin = User.objects.filter(email=email).first()
        if organization is None or admin is None:
            continue
        invited_at = published + datetime.timedelta(days=2) if days else timezone.now() - datetime.timedelta(days=20)
        (signature,) = charter.invite([organization], by=city_admin, notify=False)
        signature.invited_at = invited_at
        Signature.objects.filter(pk=signature.pk).update(invited_at=invited_at)
        backdate(signature, invited_at)
        if days is None:
            continue
        for commitment in demo_commitments(signature, kinds, today, days):
            commitment.save()
        signed_at = timezone.now() - datetime.timedelta(days=days)
        signature.sign(
            by=admin, signatory_name=admin.full_name, signatory_function=function, fingerprint=charter.fingerprint
        )
        signature.save()
        Signature.objects.filter(pk=signature.pk).update(signed_at=signed_at)
        backdate(signature, invited_at, signed_at)
        for commitment in signature.commitments.select_related("kind", "signature"):
            commitment.activate(on=signed_at.date())
            Commitment.objects.filter(pk=commitment.pk).update(
                starts_on=commitment.starts_on, baseline_value=commitment.baseline_value
            )
    stdout.write(f"Charte de démonstration : « {charter} », {charter.signatures.count()} adhésions.")


def backdate(obj, *timestamps):
    """Give the history rows of a demo object (creation, then each transition) their demo dates."""
    for log, timestamp in zip(StateLog.objects.for_(obj).order_by("pk"), timestamps, strict=False):
        StateLog.objects.filter(pk=log.pk).update(timestamp=timestamp)


def demo_commitments(signature, kinds, today, days):
    organization = signature.organization
    signed_on = today - datetime.timedelta(days=days)

    def commitment(code, **fields):
        return Commitment(signature=signature, kind=kinds[code], created_by=None, **fields)

    if organization.siren == "501234561":  # on track: a target it is heading for
        qpv = Qpv.objects.get(code="QN08604M")
        target = Decimal(80)
        due = _on_track_due_date(organization, qpv, target, signed_on, today)
        tilleuls = Residence.objects.filter(landlord=organization, qpv=qpv).order_by("name").first()
        result = [
            commitment("equipped_share", qpv=qpv, target_value=target, due_date=due),
            commitment(
                "tenant_charge_ceiling", target_value=Decimal(3), due_date=datetime.date(today.year + 1, 12, 31)
            ),
        ]
        if tilleuls:
            result.append(
                commitment(
                    "legal_basis",
                    residence=tilleuls,
                    target_choice="collective_agreement",
                    due_date=datetime.date(today.year + 1, 6, 30),
                )
            )
        return result
    if organization.siren == "502345671":  # late: 100 % by the end of next year, far ahead of its pace
        return [
            commitment(
                "equipped_share",
                qpv=Qpv.objects.get(code="QN08605M"),
                target_value=Decimal(100),
                due_date=datetime.date(today.year + 1, 12, 31),
            ),
            commitment(
                "tenant_charge_ceiling", target_value=Decimal("2.50"), due_date=datetime.date(today.year + 1, 12, 31)
            ),
        ]
    return [
        commitment("social_tariff_ceiling", target_value=Decimal(15), due_date=datetime.date(today.year + 1, 1, 1)),
        commitment("minimum_speed", target_value=Decimal(300), due_date=datetime.date(today.year + 1, 1, 1)),
        commitment("repair_delay", target_value=Decimal(48), due_date=datetime.date(today.year + 1, 1, 1)),
        commitment("tenant_workshops", target_value=Decimal(6), due_date=datetime.date(today.year + 1, 12, 31)),
        commitment(
            "local_contact",
            details="Permanence mensuelle à la maison de quartier des Trois Cités",
            due_date=datetime.date(today.year + 1, 3, 31),
        ),
    ]


def _on_track_due_date(landlord, qpv, target, signed_on, today):
    """The first 31 December whose straight line leaves the landlord's current share above it (with margin)."""
    lodgings = Lodging.objects.filter(landlord=landlord, qpv=qpv)
    start, now = lodgings.equipped_share_on(signed_on), lodgings.equipped_share()
    if start is None or now is None:
        return datetime.date(today.year + 3, 12, 31)
    start, now = Decimal(str(start)), Decimal(str(now))
    for year in range(today.year + 1, today.year + 10):
        due = datetime.date(year, 12, 31)
        if straight_line(start, target, signed_on, due, today) <= now - 1:
            return due
    return datetime.date(today.year + 10, 12, 31)
