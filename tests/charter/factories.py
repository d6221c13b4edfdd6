"""Small builders for the charter tests: QPV, a landlord's dwellings, charters and adhesions."""

import datetime

from charter.models import Charter, Commitment, CommitmentKind, Signature, log_creation
from leases.models import EquipmentStatus, Lodging, Qpv, QpvCommune, Residence


def make_qpv(code, name, communes):
    qpv, _ = Qpv.objects.get_or_create(code=code, defaults={"name": name})
    for insee in communes:
        QpvCommune.objects.get_or_create(qpv=qpv, insee_code=insee)
    return qpv


def make_dwellings(landlord, qpv, count, *, commune="86194", equipped=0, name=None, equipped_on=None):
    """`count` dwellings of `landlord` in one residence of `qpv`, the first `equipped` with a box (bulk)."""
    name = name or f"Résidence {qpv.code} {Residence.objects.count() + 1}"
    residence = Residence.objects.create(
        landlord=landlord, group_key=name.upper(), name=name, commune=commune, qpv=qpv, commune_name="Poitiers"
    )
    start = Lodging.objects.count()
    Lodging.objects.bulk_create(
        Lodging(
            landlord=landlord,
            residence=residence,
            rpls_id=f"T{start + i:09d}",
            commune=commune,
            street_name="RUE DES TESTS",
            qpv=qpv,
        )
        for i in range(count)
    )
    lodgings = list(Lodging.objects.filter(residence=residence).order_by("pk"))
    for lodging in lodgings[:equipped]:
        lodging.record_equipment(
            status=EquipmentStatus.BOX, effective_date=equipped_on or datetime.date(2026, 1, 5), by=None
        )
    return residence, lodgings


def make_charter(city, *, by, qpvs, publish=False, **fields):
    defaults = {
        "preamble": "La connexion internet est un droit, comme l'eau ou l'électricité.",
        "articles": [
            {"heading": "Objet", "body": "Chaque logement social des quartiers couverts dispose d'une box."},
            {"heading": "Suivi", "body": "Les engagements sont suivis à partir des données du parc."},
        ],
        "effective_date": datetime.date(2026, 1, 1),
    }
    charter = Charter.objects.create(city=city, created_by=by, **{**defaults, **fields})
    charter.qpvs.set(qpvs)
    log_creation(charter, by=by, state=Charter.State.DRAFT)
    if publish:
        charter.publish(by=by)
        charter.save()
    return charter


def invite(charter, organization, *, by):
    (signature,) = charter.invite([organization], by=by, notify=False)
    return Signature.objects.get(pk=signature.pk)


def sign(signature, admin):
    signature.sign(
        by=admin,
        signatory_name=admin.full_name,
        signatory_function="Directrice",
        fingerprint=signature.charter.fingerprint,
    )
    signature.save()
    return Signature.objects.get(pk=signature.pk)


def commit(signature, code, **fields):
    kind = CommitmentKind.objects.get(code=code)
    commitment = Commitment(
        signature=signature, kind=kind, due_date=fields.pop("due_date", datetime.date(2027, 12, 31))
    )
    for name, value in fields.items():
        setattr(commitment, name, value)
    if signature.state == Signature.State.SIGNED:
        commitment.activate(on=fields.get("starts_on") or datetime.date.today())
    commitment.save()
    return commitment
