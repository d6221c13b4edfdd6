"""Conventions, reports and stock for the TFPB tests, built directly (transitions are tested on their own)."""

import datetime
from decimal import Decimal

from leases.models import Lodging, Qpv, QpvCommune, Residence
from subscriptions.models import OperatorInvoice
from tests.subscriptions import factories as subscriptions_factories
from tfpb.models import (
    Action,
    ActionLine,
    Axis,
    Convention,
    ConventionParty,
    ConventionState,
    PartyRole,
    Report,
    ReportState,
)

QPV = {
    "QN08604M": ("Trois Cités", ["86194", "86214"]),
    "QN08603M": ("Bel Air", ["86194"]),
    "QN08605M": ("Couronneries Saint-Eloi", ["86194", "86041"]),
    "QN02901M": ("Bellevue", ["29019"]),
}


def qpv(code):
    name, communes = QPV[code]
    obj, created = Qpv.objects.get_or_create(code=code, defaults={"name": name})
    if created:
        QpvCommune.objects.bulk_create([QpvCommune(qpv=obj, insee_code=c) for c in communes])
    return obj


def lodgings(landlord, qpv_obj, count, *, prefix="T", exited=0):
    """`count` dwellings of `landlord` in `qpv_obj`, `exited` of them sold (out of stock)."""
    commune = qpv_obj.insee_codes[0]
    residence = Residence.objects.create(
        landlord=landlord, group_key=f"{prefix}{qpv_obj.code}", name=f"Résidence {qpv_obj.name}", commune=commune
    )
    Lodging.objects.bulk_create(
        [
            Lodging(
                landlord=landlord,
                residence=residence,
                rpls_id=f"{prefix}{qpv_obj.code[-4:]}{landlord.pk:02d}{i:04d}",
                commune=commune,
                street_name="RUE DES TESTS",
                qpv=qpv_obj,
                exit_reason="sold" if i < exited else "",
            )
            for i in range(count)
        ]
    )


def convention(landlord, *, cities, state, qpvs, signed=True, status=ConventionState.IN_FORCE, state_reviews=True):
    """A convention 2025-2030 of `landlord` with `cities` (EPCI first, then communes) and `state`."""
    obj = Convention.objects.create(landlord=landlord, reference="Convention de test")
    obj.qpvs.set(qpvs)
    day = datetime.date(2025, 3, 1) if signed else None
    parties = [(landlord, PartyRole.LANDLORD, False)]
    parties += [(city, PartyRole.EPCI if i == 0 else PartyRole.COMMUNE, True) for i, city in enumerate(cities)]
    parties += [(state, PartyRole.STATE, state_reviews)]
    ConventionParty.objects.bulk_create(
        [
            ConventionParty(convention=obj, organization=o, role=r, reviews_reports=rev, signed_on=day)
            for o, r, rev in parties
        ]
    )
    if status != ConventionState.DRAFT:
        Convention.objects.filter(pk=obj.pk).update(state=status)
    return Convention.objects.get(pk=obj.pk)


def connectivity_line():
    return ActionLine.objects.get(code=ActionLine.CONNECTIVITY)


def action(programme, *, axis=7, line=None, title="Action de test", planned="1000", realised="900", **kwargs):
    return Action.objects.create(
        programme=programme,
        axis=Axis.objects.get(number=axis),
        line=line,
        title=title,
        planned_amount=Decimal(planned),
        realised_amount=Decimal(realised) if realised is not None else None,
        **kwargs,
    )


def report(convention_obj, *, year=2025, status=ReportState.DRAFT, complete=True, round=None):
    """The report of `year`, each programme with an abatement and one action when `complete`."""
    obj = Report.open(convention=convention_obj, year=year)
    if complete:
        for programme in obj.programmes.all():
            programme.abatement_amount = Decimal("20000")
            programme.save()
            action(programme, title=f"Animation {programme.qpv.code}")
    if status != ReportState.DRAFT:
        default_round = {ReportState.SUBMITTED: 1, ReportState.RETURNED: 1}.get(status, 2)
        Report.objects.filter(pk=obj.pk).update(state=status, round=round or default_round)
    return Report.objects.get(pk=obj.pk)


def subscriptions_2025(landlord, operator, qpv_obj):
    """Internet in the charges at Les Tilleuls in `qpv_obj` in 2025, through the subscriptions models:
    the hand-computed example of tests/tfpb/test_action_accept_proposal.py (the landlord bore 122,85 €).
    A collective agreement from 1 January, the landlord bearing 25 % of 7,50 € HT + 20 % = 9,00 € TTC
    a month; A let and active all year, B vacant and active from 1 April, C let and active from
    11 June; the operator's March invoice of 7,00 € HT (8,40 € TTC)."""
    tilleuls = subscriptions_factories.residence(landlord, qpv_obj, "Les Tilleuls")
    a, c = subscriptions_factories.dwellings(tilleuls, 2)
    (b,) = subscriptions_factories.dwellings(tilleuls, 1, leased=False)
    contract = subscriptions_factories.contract(landlord, operator, [tilleuls], price="7.50", vat="20.00")
    subscriptions_factories.subscribe(contract, a, ("active", datetime.date(2025, 1, 1)))
    subscriptions_factories.subscribe(contract, b, ("active", datetime.date(2025, 4, 1)))
    subscriptions_factories.subscribe(contract, c, ("active", datetime.date(2025, 6, 11)))
    subscriptions_factories.collective(tilleuls)
    subscriptions_factories.share(tilleuls, 25)
    OperatorInvoice.objects.create(
        contract=contract,
        month=datetime.date(2025, 3, 1),
        reference="FC-2025-03",
        amount_ht=Decimal("7.00"),
        vat_rate=20,
    )
    return contract
