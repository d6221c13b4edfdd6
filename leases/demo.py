"""Demo housing stock: the six Vienne QPV and a few hundred dwellings per demo landlord."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User

from .models import (
    EquipmentEvent,
    EquipmentStatus,
    EventSource,
    ExitReason,
    Lease,
    Lodging,
    MatchConfidence,
    Qpv,
    QpvCommune,
    Residence,
)

# The 2024 QPV of the Vienne (domain.md §6), written here so that the project never depends on
# ../shared. Source: ANCT, Licence Ouverte.
VIENNE_QPV = [
    ("QN08601M", "Lac Renardières Ozon", ["86066"]),
    ("QN08602M", "Châteauneuf Centre Ville", ["86066"]),
    ("QN08603M", "Bel Air", ["86194"]),
    ("QN08604M", "Trois Cités", ["86194", "86214"]),
    ("QN08605M", "Couronneries Saint-Eloi", ["86194", "86041"]),
    ("QN08606M", "Beaulieu", ["86194"]),
]

COMMUNE_NAMES = {
    "86194": ("Poitiers", "86000"),
    "86041": ("Buxerolles", "86180"),
    "86214": ("Saint-Benoît", "86280"),
    "86066": ("Châtellerault", "86100"),
}

# (SIREN, RPLS prefix, residences: (name, street type, street, commune, QPV code or None, dwellings, fibre))
STOCK = {
    "501234561": (
        "8619400",
        [
            ("Les Tilleuls", "RUE", "DES TROIS CITES", "86194", "QN08604M", 120, "deploye"),
            ("Résidence du Clos Gaultier", "AV", "DU CLOS GAULTIER", "86214", "QN08604M", 60, "deploye"),
            ("Bel Air Soleil", "RUE", "DE BEL AIR", "86194", "QN08603M", 80, "raccordable demande"),
            # No ARCEP building at this address: listed on the "unmatched" page.
            ("Le Patio", "RUE", "JEAN JAURES", "86194", None, 40, None),
        ],
    ),
    "502345671": (
        "8604100",
        [
            ("Les Couronneries", "BD", "DES COURONNERIES", "86194", "QN08605M", 150, "en cours de deploiement"),
            ("Saint-Eloi", "RUE", "SAINT ELOI", "86041", "QN08605M", 70, "signe"),
            ("Beaulieu Parc", "AV", "DE BEAULIEU", "86194", "QN08606M", 90, "deploye"),
        ],
    ),
    "503456782": (
        "8606600",
        [
            ("Ozon Rive", "RUE", "D OZON", "86066", "QN08601M", 60, "deploye"),
            ("Trois Cités Nord", "PL", "DE FRANCE", "86194", "QN08604M", 50, "deploye"),
        ],
    ),
}


def seed_qpv():
    for code, name, communes in VIENNE_QPV:
        qpv, _ = Qpv.objects.update_or_create(code=code, defaults={"name": name})
        for insee in communes:
            QpvCommune.objects.get_or_create(qpv=qpv, insee_code=insee)


@transaction.atomic
def seed(stdout):
    seed_qpv()
    rng = random.Random(86)  # the same demo every time
    today = datetime.date.today()
    qpvs = {q.code: q for q in Qpv.objects.all()}
    fibre_checked_at = timezone.now() - datetime.timedelta(days=20)
    for siren, (prefix, residences) in STOCK.items():
        landlord = Organization.objects.filter(siren=siren).first()
        if landlord is None or Lodging.objects.filter(landlord=landlord).exists():
            continue
        recorder = User.objects.filter(memberships__organization=landlord).first()
        number = 0
        for r_index, (name, street_type, street, commune, qpv_code, count, fibre) in enumerate(residences):
            commune_name, postcode = COMMUNE_NAMES[commune]
            residence = Residence.objects.create(
                landlord=landlord,
                group_key=f"{name.upper()}|{commune}",
                name=name,
                address=f"{street_type} {street}",
                postcode=postcode,
                commune=commune,
                commune_name=commune_name,
                qpv=qpvs.get(qpv_code),
                fibre_state=fibre or "",
                # As import_arcep would set them: the exact address matched, except on the
                # street-only match of Saint-Eloi.
                fibre_building_id=f"IMB/86/X/{siren[-4:]}{r_index:02d}" if fibre else "",
                fibre_match_confidence=(
                    None if not fibre else MatchConfidence.MEDIUM if name == "Saint-Eloi" else MatchConfidence.HIGH
                ),
                fibre_updated_at=fibre_checked_at,
            )
            lodgings = []
            for i in range(count):
                number += 1
                lodgings.append(
                    Lodging(
                        landlord=landlord,
                        residence=residence,
                        rpls_id=f"{prefix}{number:03d}"[:10],
                        internal_id=f"L{r_index + 1:02d}-{i + 1:04d}",
                        commune=commune,
                        postcode=postcode,
                        commune_name=commune_name,
                        street_number=str(1 + i // 20 * 2),
                        street_type=street_type,
                        street_name=street,
                        building=chr(65 + (i // 40)),
                        building_name=name.upper(),
                        staircase=str(1 + (i // 10) % 4),
                        floor=str(i % 5),
                        flat=f"{(i % 5) * 10 + i % 10 + 1}",
                        qpv=qpvs.get(qpv_code),
                        construction_type="C",
                        rooms=2 + i % 4,
                        living_area=35 + (i % 4) * 14,
                        construction_year=1965 + r_index * 7,
                        financing=rng.choice(["PLUS", "PLAI", "PLUS", "PLS", "HLMO"]),
                    )
                )
            Lodging.objects.bulk_create(lodgings)
        created = list(Lodging.objects.filter(landlord=landlord))
        leases, events = [], []
        for lodging in created:
            if rng.random() < 0.92:  # the rest are vacant
                start = today - datetime.timedelta(days=rng.randint(60, 3000))
                leases.append(Lease(lodging=lodging, reference=f"B{lodging.rpls_id[-6:]}-{start:%y}", start=start))
                if rng.random() < 0.3:  # a previous tenant, for the lease history
                    end = start - datetime.timedelta(days=rng.randint(15, 90))
                    first = end - datetime.timedelta(days=rng.randint(365, 2500))
                    leases.append(
                        Lease(lodging=lodging, reference=f"B{lodging.rpls_id[-6:]}-{first:%y}", start=first, end=end)
                    )
            roll = rng.random()
            if roll < 0.45:
                effective = today - datetime.timedelta(days=rng.randint(10, 700))
                events.append(
                    EquipmentEvent(
                        lodging=lodging,
                        status=EquipmentStatus.BOX if roll < 0.35 else EquipmentStatus.OUTLET,
                        effective_date=effective,
                        recorded_by=recorder,
                        source=EventSource.LANDLORD,
                    )
                )
        Lease.objects.bulk_create(leases)
        EquipmentEvent.objects.bulk_create(events)
        Lodging.objects.filter(landlord=landlord).refresh_equipment()
        # A few dwellings left the stock (sold to their tenants, or demolished for renewal).
        for lodging, reason in zip(
            created[5::97], [ExitReason.SOLD, ExitReason.DEMOLISHED, ExitReason.SOLD], strict=False
        ):
            lodging.leave_stock(reason=reason, on=today - datetime.timedelta(days=rng.randint(30, 400)))
    stdout.write(f"Parc de démonstration : {Lodging.objects.count()} logements, {Qpv.objects.count()} QPV.")
