"""The TFPB interface: what the landlord bore for its tenants' internet in a QPV, on a hand-computed year.

2025 at Les Tilleuls (Trois Cités), 10,68 € TTC a dwelling a month, the landlord bearing 75 %:
- the first dwelling, let, active from 1 February: 10 months at 10,68 € and March invoiced 9,60 €:
  116,40 € of cost, its tenant paying 2,67 € × 10 + 2,40 € = 29,10 €;
- the third, let, active in February only: 10,68 €, its tenant paying 2,67 €;
- a vacant dwelling active from 1 July: 6 × 10,68 € = 64,08 €, all borne by the landlord.
Cost 191,16 €, tenants 31,77 €: the landlord bore 159,39 € (64,08 € vacant + 95,31 € its share).
"""

import datetime
from decimal import Decimal

from subscriptions.valuation import CostBreakdown, landlord_connectivity_cost
from tests.charter.factories import make_qpv
from tests.subscriptions import factories
from tfpb.valuation import connectivity_proposal


def test_the_cost_borne_by_the_landlord_with_the_calculation(landlord, world, invoiced, tilleuls, trois_cites):
    (vacant,) = factories.dwellings(tilleuls, 1, leased=False)
    factories.subscribe(world, vacant, ("active", datetime.date(2025, 7, 1)))
    breakdown = landlord_connectivity_cost(landlord=landlord, qpv=trois_cites, year=2025)
    assert isinstance(breakdown, CostBreakdown)
    assert breakdown.total == Decimal("159.39")
    assert breakdown.lines == [
        (
            "Coût des abonnements TTC : 3 logements, 546 jours-logement d'abonnement actif (factures de l'opérateur "
            "et, pour les mois non facturés, prix du marché)",
            Decimal("191.16"),
        ),
        ("Refacturé aux locataires (coût réel, part locative)", Decimal("-31.77")),
        ("dont logements vacants : 184 jours-logement, coût entier", Decimal("64.08")),
        ("dont jours sans base juridique ou sans adhésion du locataire : 0 jour-logement", Decimal("0.00")),
        ("dont part du bailleur sur les jours refacturés (paramètre de chaque résidence)", Decimal("95.31")),
    ]


def test_months_without_legal_basis_are_borne_by_the_landlord(landlord, world, tilleuls, trois_cites):
    basis = tilleuls.legal_bases.get()
    basis.end(by=None, on=datetime.date(2025, 1, 31), reason="Dénoncé")
    basis.save()
    breakdown = landlord_connectivity_cost(landlord=landlord, qpv=trois_cites, year=2025)
    assert breakdown.lines[1] == ("Refacturé aux locataires (coût réel, part locative)", Decimal("0.00"))
    assert breakdown.total == breakdown.lines[0][1]


def test_nothing_tracked_in_the_qpv_means_no_proposal(landlord, world):
    elsewhere = make_qpv("QN08603M", "Bel Air", ["86194"])
    assert landlord_connectivity_cost(landlord=landlord, qpv=elsewhere, year=2025) is None


def test_tfpb_receives_it_through_its_agreed_interface(landlord, world, trois_cites):
    proposal = connectivity_proposal(landlord=landlord, qpv=trois_cites, year=2025)
    assert proposal.total > 0
    assert all(isinstance(label, str) and isinstance(amount, Decimal) for label, amount in proposal.lines)


def test_a_year_before_any_service_has_no_proposal(landlord, world, trois_cites):
    assert landlord_connectivity_cost(landlord=landlord, qpv=trois_cites, year=2024) is None
