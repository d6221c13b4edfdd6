"""The Grand Poitiers scene of the monitoring tests, on top of the fixed cast (tests/conftest.py).

Habitat du Clain (`landlord`):
- « Les Tilleuls », Poitiers, Trois Cités, fibre deployed, 10 dwellings: 4 boxes three months ago,
  2 more last month, one fibre outlet two months ago, one box reported two months ago and contested;
- « Clos Gaultier », Saint-Benoît, Trois Cités, fibre convention signed (not ready), 6 dwellings:
  one box this month; under FibreCité's contract in progress (since the 1st, four months ago), whose
  subscriptions are: #0 active since the 1st of this month, #1 active two months ago then suspended
  on the 15th of last month, #2 installed three months ago and active from the 20th, #3 reported
  active two months ago but contested (planned), #4 planned, #5 active two months ago then
  terminated on the 5th of last month;
- « Le Patio », Poitiers, outside any QPV, fibre unknown, 5 dwellings, none equipped;
- « Le Phare », Brest, QPV Bellevue, 8 dwellings all equipped two months ago: outside Grand
  Poitiers, in the outsider's territory (Brest Métropole).
Logis de la Vienne (`landlord2`): « Bel Air Soleil », Poitiers, Bel Air, fibre on request,
7 dwellings, 3 boxes two months ago, one sold on the 5th of last month.

So Grand Poitiers counts today 27 dwellings (Trois Cités 16, Bel Air 6, outside QPV 5), 10 of them
equipped (7, 3, 0); last month 27 dwellings and 9 equipped; two and three months ago 28 and 7, 28
and 4. Active subscriptions (all in Clos Gaultier): 2 today (5 dwellings in the rollout, 3 with the
operator's box, 1 suspended), 1 at the end of last month, 3 two months ago, 1 three months ago.

Charters: Grand Poitiers' (Trois Cités, Bel Air) signed by Habitat du Clain (at least 40 % of Trois
Cités equipped: met; 100 % by the end of next year: on track) and by Logis de la Vienne (100 % of Bel
Air by yesterday: late); Brest Métropole's signed by Habitat du Clain (100 % of Bellevue: met).
Tenders: AO-TILLEULS published, AO-CLOS contracted (FibreCité's contract in progress), AO-BEL-AIR in
evaluation, AO-PHARE published (Brest), AO-PATIO draft. TFPB: Habitat du Clain's 2025-2030
convention with Grand Poitiers and the Préfecture for Trois Cités; last year's report: abatement
20,000 €, 1,500 € valued, 600 € of it for the connectivity line.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone

from charter.kinds import ensure_default_kinds
from leases.models import EquipmentEvent, EquipmentStatus, ExitReason, Lodging
from monitoring.history import refresh
from operators.models import ContractState, TenderState
from subscriptions.models import SubscriptionEvent
from tests.charter.factories import commit, invite, make_charter, sign
from tests.tfpb import factories as tfpb_factories
from tfpb.models import ActionLine, Axis, Report, ReportState

from .factories import contract, dwellings, equip, make_qpv, months_ago, residence, subscribe, tender


@dataclass
class Scene:
    trois_cites: object
    bel_air: object
    bellevue: object
    tilleuls: object
    clos: object
    patio: object
    phare: object
    bel_air_soleil: object
    lodgings: dict
    contract: object


@pytest.fixture
def referentials(db):
    seed_referentials()


def seed_referentials():
    """Seeded by migrations; a browser test may have flushed them."""
    ensure_default_kinds()
    if not Axis.objects.exists():
        import_module("tfpb.migrations.0002_axes_and_rules").load(apps, None)
    from operators.models import ensure_rules_seeded

    ensure_rules_seeded()


@pytest.fixture
def scene(
    referentials,
    landlord,
    landlord2,
    operator,
    city,
    state,
    elsewhere_city,
    landlord_admin,
    landlord2_admin,
    city_admin,
    outsider,
):
    return build_scene(
        landlord,
        landlord2,
        operator,
        city,
        state,
        elsewhere_city,
        landlord_admin,
        landlord2_admin,
        city_admin,
        outsider,
    )


def build_scene(
    landlord, landlord2, operator, city, state, elsewhere_city, landlord_admin, landlord2_admin, city_admin, outsider
):
    """The scene of the module docstring (also used by tests/browser/test_monitoring_journey.py)."""
    seed_referentials()
    trois_cites = make_qpv("QN08604M", "Trois Cités", ["86194", "86214"])
    bel_air = make_qpv("QN08603M", "Bel Air", ["86194"])
    bellevue = make_qpv("QN02901M", "Bellevue", ["29019"])

    tilleuls = residence(landlord, "Les Tilleuls", qpv=trois_cites)
    clos = residence(
        landlord, "Clos Gaultier", commune="86214", commune_name="Saint-Benoît", qpv=trois_cites, fibre="signe"
    )
    patio = residence(landlord, "Le Patio", fibre="")
    phare = residence(landlord, "Le Phare", commune="29019", commune_name="Brest", qpv=bellevue)
    soleil = residence(landlord2, "Bel Air Soleil", qpv=bel_air, fibre="raccordable demande")

    lodgings = {
        "tilleuls": dwellings(tilleuls, 10),
        "clos": dwellings(clos, 6),
        "patio": dwellings(patio, 5),
        "phare": dwellings(phare, 8),
        "soleil": dwellings(soleil, 7),
    }
    t = lodgings["tilleuls"]
    equip(t[0:4], on=months_ago(3))
    equip(t[4:6], on=months_ago(1))
    equip(t[6:7], EquipmentStatus.OUTLET, on=months_ago(2))
    equip(t[7:8], on=months_ago(2), contested=True)
    equip(lodgings["clos"][0:1], on=timezone.localdate().replace(day=1))
    equip(lodgings["phare"], on=months_ago(2))
    equip(lodgings["soleil"][0:3], on=months_ago(2))
    lodgings["soleil"][6].leave_stock(reason=ExitReason.SOLD, on=months_ago(1, day=5))

    # Charters
    charter = make_charter(city, by=city_admin, qpvs=[trois_cites, bel_air], publish=True)
    clain = invite(charter, landlord, by=city_admin)
    commit(clain, "equipped_share", qpv=trois_cites, target_value=Decimal("40"))
    commit(
        clain,
        "equipped_share",
        qpv=trois_cites,
        target_value=Decimal("100"),
        due_date=datetime.date(timezone.localdate().year + 1, 12, 31),
    )
    sign(clain, landlord_admin)
    logis = invite(charter, landlord2, by=city_admin)
    sign(logis, landlord2_admin)
    commit(
        logis,
        "equipped_share",
        qpv=bel_air,
        target_value=Decimal("100"),
        due_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    brest = make_charter(elsewhere_city, by=outsider, qpvs=[bellevue], publish=True)
    brest_signature = invite(brest, landlord, by=outsider)
    commit(brest_signature, "equipped_share", qpv=bellevue, target_value=Decimal("100"))
    sign(brest_signature, landlord_admin)

    # Tenders and the contract
    tender(landlord, [tilleuls], TenderState.PUBLISHED, "AO-TILLEULS")
    contracted = tender(landlord, [clos], TenderState.CONTRACTED, "AO-CLOS")
    tender(landlord2, [soleil], TenderState.EVALUATION, "AO-BEL-AIR")
    tender(landlord, [phare], TenderState.PUBLISHED, "AO-PHARE")
    tender(landlord, [patio], TenderState.DRAFT, "AO-PATIO")
    signed = contract(contracted, operator, state=ContractState.ACTIVE, dwelling_count=6, start=months_ago(4, day=1))

    # Its subscriptions
    units = lodgings["clos"]
    subscribe(signed, units[0], ("active", timezone.localdate().replace(day=1)))
    subscribe(signed, units[1], ("active", months_ago(2)), ("suspended", months_ago(1, day=15)))
    subscribe(signed, units[2], ("installed", months_ago(3)), ("active", months_ago(3, day=20)))
    subscribe(signed, units[3], ("active", months_ago(2)), contested=True)
    subscribe(signed, units[4])
    subscribe(signed, units[5], ("active", months_ago(2)), ("terminated", months_ago(1, day=5)))

    # TFPB
    convention = tfpb_factories.convention(landlord, cities=[city], state=state, qpvs=[trois_cites])
    report = Report.open(convention=convention, year=timezone.localdate().year - 1)
    programme = report.programmes.get()
    programme.abatement_amount = Decimal("20000")
    programme.save()
    tfpb_factories.action(programme, title="Animation", planned="1000", realised="900")
    tfpb_factories.action(
        programme, line=ActionLine.objects.get(code=ActionLine.CONNECTIVITY), title="Box", planned="800", realised="600"
    )
    Report.objects.filter(pk=report.pk).update(state=ReportState.SUBMITTED, round=1)

    # Everything above was recorded two hours ago: the history's next checks see only later changes.
    earlier = timezone.now() - datetime.timedelta(hours=2)
    Lodging.objects.update(updated_at=earlier)
    EquipmentEvent.objects.update(recorded_at=earlier)
    EquipmentEvent.objects.exclude(contested_at=None).update(contested_at=earlier)
    SubscriptionEvent.objects.update(recorded_at=earlier)
    SubscriptionEvent.objects.exclude(contested_at=None).update(contested_at=earlier)
    refresh(full=True)
    return Scene(trois_cites, bel_air, bellevue, tilleuls, clos, patio, phare, soleil, lodgings, signed)


@pytest.fixture
def brest_lodgings(scene):
    return Lodging.objects.filter(commune="29019")
