import datetime

import factory

from leases.models import (
    FibreState,
    ImportBatch,
    ImportKind,
    ImportState,
    Lease,
    Lodging,
    MatchConfidence,
    Qpv,
    QpvCommune,
    Residence,
)
from tests.factories import OrganizationFactory


class QpvFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qpv
        django_get_or_create = ["code"]
        skip_postgeneration_save = True

    code = "QN08604M"
    name = "Trois Cités"

    @factory.post_generation
    def communes(obj, create, codes, **kwargs):
        for code in codes or ["86194"]:
            QpvCommune.objects.get_or_create(qpv=obj, insee_code=code)


class ResidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Residence

    landlord = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Résidence {n}")
    group_key = factory.LazyAttribute(lambda o: f"{o.name.upper()}|{o.commune}")  # as imports.py groups them
    address = "RUE DES TROIS CITES"
    postcode = "86000"
    commune = "86194"
    commune_name = "Poitiers"
    fibre_state = FibreState.DEPLOYED
    fibre_match_confidence = MatchConfidence.HIGH
    fibre_building_id = factory.Sequence(lambda n: f"IMB/86194/X/{n:04d}")

    class Params:
        unmatched = factory.Trait(fibre_state=FibreState.UNKNOWN, fibre_match_confidence=None, fibre_building_id="")


class LodgingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lodging

    residence = factory.SubFactory(ResidenceFactory)
    landlord = factory.SelfAttribute("residence.landlord")
    rpls_id = factory.Sequence(lambda n: f"{8600000000 + n}")
    internal_id = factory.Sequence(lambda n: f"INT-{n:05d}")
    commune = factory.SelfAttribute("residence.commune")
    postcode = factory.SelfAttribute("residence.postcode")
    commune_name = factory.SelfAttribute("residence.commune_name")
    qpv = factory.SelfAttribute("residence.qpv")
    street_number = "12"
    street_type = "RUE"
    street_name = "DES TROIS CITES"
    building = "A"
    floor = "2"
    flat = "21"
    construction_type = "C"
    rooms = 3
    living_area = 62
    construction_year = 1972
    financing = "PLUS"


class LeaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lease

    lodging = factory.SubFactory(LodgingFactory)
    reference = factory.Sequence(lambda n: f"BAIL-{n:06d}")
    start = datetime.date(2020, 1, 1)
    end = None


def bulk_lodgings(residence, count, start=0, **fields):
    """`count` dwellings of `residence`, written with one bulk_create (list pages at two sizes)."""
    values = {
        "landlord": residence.landlord,
        "residence": residence,
        "commune": residence.commune,
        "commune_name": residence.commune_name,
        "postcode": residence.postcode,
        "qpv": residence.qpv,
        "street_type": "RUE",
        "street_name": "DES TROIS CITES",
        **fields,
    }
    return Lodging.objects.bulk_create(
        [
            Lodging(rpls_id=f"B{residence.pk:03d}{start + i:06d}", street_number=str(1 + i % 40), **values)
            for i in range(count)
        ],
        batch_size=2000,
    )


class ImportBatchFactory(factory.django.DjangoModelFactory):
    """A batch in any state (set directly on creation, as the worker leaves it)."""

    class Meta:
        model = ImportBatch

    landlord = factory.SubFactory(OrganizationFactory)
    kind = ImportKind.LODGINGS
    state = ImportState.READY
    file_name = "extrait.xlsx"
