"""Demo tenders in every state (Grand Poitiers): a draft, one published with two sealed bids, one in
evaluation, one awarded with its standstill running, and one contracted (the Trois Cités residences
of Habitat du Clain with FibreCité, rolled out by the subscriptions demo). Each public one has the
OCDS releases of the events it went through, recorded in their order."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User
from leases.models import Residence

from .models import (
    Bid,
    BidState,
    Contract,
    ContractState,
    Criterion,
    Question,
    Score,
    Tender,
    TenderState,
    add_months,
    ensure_rules_seeded,
)
from .releases import record_release

HABITAT, LOGIS, TOITS = "501234561", "502345671", "503456782"
FIBRECITE, RESEAU = "412345670", "413456781"

CRITERIA = [("Prix", 50, True), ("Valeur technique", 30, False), ("Engagements sociaux", 20, False)]


def user_of(organization):
    return User.objects.filter(memberships__organization=organization).order_by("pk").first()


def make_tender(landlord, reference, title, residence_names, *, state, days, **fields):
    """`days`: deadline relative to today (negative: passed)."""
    now = timezone.now()
    residences = list(Residence.objects.filter(landlord=landlord, name__in=residence_names))
    deadline = now + datetime.timedelta(days=days)
    published = deadline - datetime.timedelta(days=35)
    public = state != TenderState.DRAFT
    tender = Tender(
        landlord=landlord,
        reference=reference,
        title=title,
        description="Équiper chaque logement d'une box et d'un abonnement internet inclus dans les charges.",
        estimated_value_ht=Decimal("120000.00"),
        max_unit_price_ht=Decimal("12.00"),
        duration_months=48,
        tenant_support="Permanences dans les halls, ateliers numériques gratuits, ordinateurs à bas coût.",
        questions_deadline=deadline - datetime.timedelta(days=10),
        deadline=deadline,
        state=state,
        created_by=user_of(landlord),
        **fields,
    )
    if public:
        tender.freeze_rules(tender.rule_in_force(timezone.localdate(published)), published)
        tender.published_at = published
    tender.save()
    tender.residences.set(residences)
    Criterion.objects.bulk_create(
        [
            Criterion(tender=tender, name=name, weight=weight, is_price=is_price, position=i)
            for i, (name, weight, is_price) in enumerate(CRITERIA)
        ]
    )
    if public:
        Tender.objects.filter(pk=tender.pk).update(perimeter_dwellings=tender.lodgings().count())
        tender.refresh_from_db()
    return tender


def make_bid(tender, operator, state, price, **fields):
    bid = Bid(
        tender=tender,
        operator=operator,
        state=state,
        unit_price_ht=Decimal(price),
        vat_rate=Decimal("20.00"),
        installation_fee_ht=Decimal("25.00"),
        technology="ftth",
        download_mbps=1000,
        upload_mbps=500,
        commitments="Box installée sous 30 jours, assistance en français par téléphone, tarif social.",
        created_by=user_of(operator),
        submitted_at=tender.deadline - datetime.timedelta(days=2),
        submitted_by=user_of(operator),
        **fields,
    )
    bid.save()
    bid.content_hash = bid.compute_hash()
    Bid.objects.filter(pk=bid.pk).update(content_hash=bid.content_hash)
    return bid


def score(bid, values, by):
    for criterion, value in zip(bid.tender.criteria.all(), values, strict=True):
        Score.objects.create(bid=bid, criterion=criterion, value=Decimal(value), scored_by=by)


@transaction.atomic
def seed(stdout):
    orgs = {o.siren: o for o in Organization.objects.filter(siren__in=[HABITAT, LOGIS, TOITS, FIBRECITE, RESEAU])}
    if len(orgs) < 5 or Tender.objects.filter(reference__startswith="DEMO-").exists():
        return
    ensure_rules_seeded()
    habitat, logis, toits, fibrecite, reseau = (orgs[s] for s in (HABITAT, LOGIS, TOITS, FIBRECITE, RESEAU))
    now = timezone.now()

    make_tender(toits, "DEMO-2026-05", "Box internet à Trois Cités Nord", ["Trois Cités Nord"], state="draft", days=45)

    published = make_tender(
        habitat,
        "DEMO-2026-04",
        "Internet dans les charges à Bel Air",
        ["Bel Air Soleil", "Le Patio"],
        state=TenderState.PUBLISHED,
        days=12,
    )
    make_bid(published, fibrecite, BidState.SUBMITTED, "9.90")
    make_bid(published, reseau, BidState.SUBMITTED, "8.40")
    Question.objects.create(
        tender=published,
        operator=reseau,
        asked_by=user_of(reseau),
        text="Les colonnes montantes de Bel Air Soleil sont-elles déjà fibrées ?",
        answer="Oui : l'immeuble est raccordable sur demande (ARCEP, dernier trimestre).",
        answered_at=now - datetime.timedelta(days=3),
        answered_by=user_of(habitat),
    )
    record_release(tender=published, tag="tender")

    evaluation = make_tender(
        logis,
        "DEMO-2026-03",
        "Box internet aux Couronneries",
        ["Les Couronneries", "Saint-Eloi"],
        state=TenderState.EVALUATION,
        days=-8,
        opened_at=now - datetime.timedelta(days=7),
        closed_at=now - datetime.timedelta(days=8),
    )
    first = make_bid(evaluation, fibrecite, BidState.ADMISSIBLE, "10.50")
    make_bid(evaluation, reseau, BidState.ADMISSIBLE, "9.80")
    score(first, ["93", "80", "70"], user_of(logis))
    for tag in ("tender", "tenderUpdate"):
        record_release(tender=evaluation, tag=tag)

    awarded = make_tender(
        logis,
        "DEMO-2026-02",
        "Internet inclus à Beaulieu Parc",
        ["Beaulieu Parc"],
        state=TenderState.AWARDED,
        days=-20,
        opened_at=now - datetime.timedelta(days=19),
        closed_at=now - datetime.timedelta(days=20),
        awarded_at=now - datetime.timedelta(days=4),
        award_reasons="Meilleure note pondérée : prix compétitif et accompagnement des locataires le plus complet.",
        standstill_ends_at=now + datetime.timedelta(days=7),
    )
    winner = make_bid(awarded, reseau, BidState.AWARDED, "9.20", total_score=Decimal("91.00"), rank=1)
    loser = make_bid(
        awarded,
        fibrecite,
        BidState.REJECTED,
        "10.40",
        total_score=Decimal("84.60"),
        rank=2,
        letter_sent_at=now - datetime.timedelta(days=4),
        rejection_reason="Votre offre est classée n° 2 avec une note de 84.60 sur 100 ; "
        "l'offre retenue a obtenu 91.00 sur 100.",
    )
    score(winner, ["100", "85", "80"], user_of(logis))
    score(loser, ["88", "85", "75"], user_of(logis))
    Tender.objects.filter(pk=awarded.pk).update(awarded_bid=winner)
    awarded.refresh_from_db()
    Contract.create_from_award(awarded)
    for tag in ("tender", "tenderUpdate", "award"):
        record_release(tender=awarded, tag=tag)

    contracted = make_tender(
        habitat,
        "DEMO-2026-01",
        "Internet dans les charges aux Trois Cités",
        ["Les Tilleuls", "Résidence du Clos Gaultier"],
        state=TenderState.CONTRACTED,
        days=-90,
        opened_at=now - datetime.timedelta(days=89),
        closed_at=now - datetime.timedelta(days=90),
        awarded_at=now - datetime.timedelta(days=75),
        award_reasons="Seule offre recevable, conforme au cahier des charges, prix sous le maximum.",
        standstill_ends_at=now - datetime.timedelta(days=64),
    )
    won = make_bid(contracted, fibrecite, BidState.AWARDED, "8.90", total_score=Decimal("88.00"), rank=1)
    score(won, ["100", "80", "70"], user_of(habitat))
    Tender.objects.filter(pk=contracted.pk).update(awarded_bid=won)
    contracted.refresh_from_db()
    contract = Contract.create_from_award(contracted)
    for tag in ("tender", "tenderUpdate", "award"):
        record_release(tender=contracted, tag=tag)
    signed_on = timezone.localdate(now) - datetime.timedelta(days=60)
    Contract.objects.filter(pk=contract.pk).update(
        state=ContractState.ACTIVE,
        operator_signed_on=signed_on - datetime.timedelta(days=1),
        operator_signed_by=user_of(fibrecite),
        landlord_signed_on=signed_on,
        landlord_signed_by=user_of(habitat),
        signed_at=now - datetime.timedelta(days=60),
        start=signed_on,
        end=add_months(signed_on, 48) - datetime.timedelta(days=1),
    )
    record_release(tender=contracted, tag="contract", contract=contract)
    stdout.write(f"Appels d'offres de démonstration : {Tender.objects.filter(reference__startswith='DEMO-').count()}.")
