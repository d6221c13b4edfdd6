import factory

from leases.models import ImportBatch, ImportKind, ImportState, Lodging, Residence
from tests.factories import OrganizationFactory


class ResidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Residence

    landlord = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Résidence {n}")
    group_key = factory.LazyAttribute(lambda r: f"{r.name.upper()}|{r.commune}")
    commune = "86194"
    commune_name = "Poitiers"


class LodgingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lodging

    residence = factory.SubFactory(ResidenceFactory)
    landlord = factory.SelfAttribute("residence.landlord")
    rpls_id = factory.Sequence(lambda n: f"99000{n:05d}")
    commune = factory.SelfAttribute("residence.commune")
    street_name = "DES LILAS"


class ImportBatchFactory(factory.django.DjangoModelFactory):
    """A batch in any state (set directly on creation, as the worker leaves it)."""

    class Meta:
        model = ImportBatch

    landlord = factory.SubFactory(OrganizationFactory)
    kind = ImportKind.LODGINGS
    state = ImportState.READY
    file_name = "extrait.xlsx"
