"""Factories of the tender world: residences with dwellings, tenders in a given state, bids."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from leases.models import Lodging, Residence
from operators.models import Bid, Criterion, ProcurementRule, Tender


class ResidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Residence

    name = factory.Sequence(lambda n: f"Résidence {n}")
    group_key = factory.Sequence(lambda n: f"RESIDENCE {n}|86194")
    address = "RUE DES TROIS CITES"
    postcode = "86000"
    commune = "86194"
    commune_name = "Poitiers"
    fibre_state = "deploye"


def residence_with_dwellings(landlord, count=10, **kwargs):
    residence = ResidenceFactory(landlord=landlord, **kwargs)
    start = Lodging.objects.count()
    Lodging.objects.bulk_create(
        [
            Lodging(
                landlord=landlord,
                residence=residence,
                rpls_id=f"T{start + i:09d}",
                commune=residence.commune,
                postcode=residence.postcode,
                commune_name=residence.commune_name,
                street_name=residence.address,
                qpv=residence.qpv,
            )
            for i in range(count)
        ]
    )
    return residence


class TenderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tender
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"AO-2026-{n:03d}")
    title = "Box internet dans chaque logement"
    estimated_value_ht = Decimal("90000.00")
    max_unit_price_ht = Decimal("15.00")
    duration_months = 48
    questions_deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=20))
    deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=40))

    @factory.post_generation
    def criteria(obj, create, extracted, **kwargs):
        if not create:
            return
        specs = extracted if extracted is not None else [("Prix", 60, True), ("Valeur technique", 40, False)]
        Criterion.objects.bulk_create(
            [
                Criterion(tender=obj, name=name, weight=weight, is_price=is_price, position=i)
                for i, (name, weight, is_price) in enumerate(specs)
            ]
        )


def rule():
    return ProcurementRule.objects.in_force(timezone.localdate())


def make_tender(landlord, *, dwellings=10, **kwargs):
    """A draft tender over one residence of `landlord` with `dwellings` dwellings."""
    tender = TenderFactory(landlord=landlord, **kwargs)
    tender.residences.add(residence_with_dwellings(landlord, dwellings))
    return tender


def publish(tender, by):
    tender.publish(by=by)
    tender.save()
    return tender


class BidFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bid

    unit_price_ht = Decimal("10.00")
    vat_rate = Decimal("20.00")
    installation_fee_ht = Decimal("0.00")
    technology = "ftth"
    download_mbps = 1000
    upload_mbps = 500
    commitments = "Permanence mensuelle dans chaque résidence."


def submitted_bid(tender, operator, by, **kwargs):
    bid = BidFactory(tender=tender, operator=operator, created_by=by, **kwargs)
    bid.submit(by=by)
    bid.save()
    return bid
