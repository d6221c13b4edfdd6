"""Conventions, reports and stock for the TFPB tests, built directly (transitions are tested on their own)."""

import datetime
from decimal import Decimal

from leases.models import Lodging, Qpv, QpvCommune, Residence
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
