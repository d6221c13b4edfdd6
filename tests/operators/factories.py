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


# -- a tender at any stage, through the real transitions ------------------------------------------

STAGES = ["draft", "published", "opened", "evaluation", "awarded", "contracted"]


def open_tender(tender, by):
    tender.refresh_from_db()
    tender.open(by=by)
    tender.save()
    tender.apply_opening(by=by)
    return tender


def start_evaluation(tender, by):
    for bid in tender.bids.filter(state="opened"):
        bid.admit(by=by)
        bid.save()
    tender.refresh_from_db()
    tender.start_evaluation(by=by)
    tender.save()
    return tender


def score_all(tender, by, values=None):
    """values: {operator_pk: score on every criterion}; by default the cheapest wins."""
    from operators.models import Score

    bids = list(tender.bids.filter(state__in=["admissible", "ranked"]).order_by("unit_price_ht"))
    for position, bid in enumerate(bids):
        value = (values or {}).get(bid.operator_id, 90 - 10 * position)
        for criterion in tender.criteria.all():
            Score.objects.update_or_create(
                bid=bid, criterion=criterion, defaults={"value": Decimal(value), "scored_by": by}
            )


def award(tender, by, reasons="Meilleure note pondérée."):
    tender.refresh_from_db()
    tender.award(by=by, reasons=reasons)
    tender.save()
    return tender.apply_award(by=by)


def sign_contract(contract, landlord_user, operator_user, day=None):
    from django.core.files.base import ContentFile

    day = day or timezone.localdate()
    contract.refresh_from_db()
    contract.operator_sign(by=operator_user, signed_on=day)
    contract.save()
    contract.sign(by=landlord_user, signed_on=day, document=ContentFile(b"%PDF-1.4 signe", name="marche.pdf"))
    contract.save()
    contract.tender.refresh_from_db()
    contract.tender.mark_contracted(by=landlord_user)
    contract.tender.save()
    return contract


def tender_at(stage, *, landlord, landlord_user, bidders):
    """A tender of `landlord` at `stage`. bidders: [(operator, user, unit price, commitments)].

    Stages after the deadline are built in the past (published 60 days ago, deadline 20 days ago),
    so that the real clock of the test sees the deadline passed."""
    import time_machine

    if stage in ("draft", "published"):
        tender = make_tender(landlord)
        if stage == "published":
            publish(tender, landlord_user)
            for operator, user, price, commitments in bidders:
                submitted_bid(tender, operator, user, unit_price_ht=Decimal(price), commitments=commitments)
        return tender
    with time_machine.travel(timezone.now() - datetime.timedelta(days=60), tick=False):
        tender = make_tender(landlord)
        publish(tender, landlord_user)
        for operator, user, price, commitments in bidders:
            submitted_bid(tender, operator, user, unit_price_ht=Decimal(price), commitments=commitments)
    open_tender(tender, landlord_user)
    if stage == "opened":
        return tender
    start_evaluation(tender, landlord_user)
    if stage == "evaluation":
        return tender
    score_all(tender, landlord_user)
    contract = award(tender, landlord_user)
    if stage == "awarded":
        tender.refresh_from_db()
        return tender
    sign_contract(contract, landlord_user, bidders[0][1] if bidders[0][0] == contract.operator else bidders[1][1])
    tender.refresh_from_db()
    return tender
