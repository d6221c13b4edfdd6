"""Fixtures of the subscriptions tests, on top of the fixed cast (tests/conftest.py).

- `trois_cites` (QN08604M) and `tilleuls`, Habitat du Clain's residence there (Poitiers);
- `tilleuls_dwellings`: its four dwellings, let since 2020;
- `contract`: FibreCité's contract with Habitat du Clain over Les Tilleuls, from 1 January 2025,
  8,90 € HT a dwelling a month, VAT 20 % (10,68 € TTC);
- `rival_contract`: Réseau Solidaire's contract with Logis de la Vienne over Saint-Eloi (Buxerolles).
"""

import datetime

import pytest

from subscriptions.models import ensure_rules_seeded
from tests.charter.factories import make_qpv

from . import factories


@pytest.fixture(autouse=True)
def consultation_rule(db):
    """The rule of migration 0002: a browser test run before on this worker may have flushed it."""
    ensure_rules_seeded()


@pytest.fixture
def trois_cites(db):
    return make_qpv("QN08604M", "Trois Cités", ["86194", "86214"])


@pytest.fixture
def tilleuls(landlord, trois_cites):
    return factories.residence(landlord, trois_cites, "Les Tilleuls")


@pytest.fixture
def tilleuls_dwellings(tilleuls):
    return factories.dwellings(tilleuls, 4)


@pytest.fixture
def contract(landlord, operator, tilleuls, tilleuls_dwellings):
    return factories.contract(landlord, operator, [tilleuls], start=datetime.date(2025, 1, 1))


@pytest.fixture
def saint_eloi(landlord2):
    return factories.residence(landlord2, None, "Saint-Eloi", commune="86041")


@pytest.fixture
def rival_contract(landlord2, operator2, saint_eloi):
    factories.dwellings(saint_eloi, 2)
    return factories.contract(landlord2, operator2, [saint_eloi], start=datetime.date(2025, 1, 1))


@pytest.fixture
def world(landlord, landlord_admin, contract, tilleuls, tilleuls_dwellings):
    """The contract rolled out: one dwelling active, one installed, one suspended, one planned;
    a collective agreement and a 75 % share at Les Tilleuls."""
    a, b, c, d = tilleuls_dwellings
    factories.subscribe(contract, a, ("active", datetime.date(2025, 2, 1)))
    factories.subscribe(contract, b, ("installed", datetime.date(2025, 2, 1)))
    factories.subscribe(contract, c, ("active", datetime.date(2025, 2, 1)), ("suspended", datetime.date(2025, 3, 1)))
    factories.subscribe(contract, d)
    factories.collective(tilleuls, by=landlord_admin)
    factories.share(tilleuls, 75)
    return contract


@pytest.fixture
def report(contract, tilleuls_dwellings, operator_admin):
    """FibreCité's report of 10 June 2025: the first dwelling installed with box BOX-1 (in the stock)."""
    from subscriptions.reports import apply_report
    from subscriptions.rollout import start_rollout

    start_rollout(contract=contract, by=None, on=datetime.date(2025, 2, 1))
    rows = [factories.REPORT_HEADER, [tilleuls_dwellings[0].rpls_id, "installé", "10/06/2025", "BOX-1", ""]]
    outcome = apply_report(
        contract=contract, upload=factories.report_file(rows), file_name="rapport.csv", by=operator_admin
    )
    assert outcome.ok, outcome.errors
    return outcome.report


@pytest.fixture
def invoiced(world):
    """FibreCité's March 2025 invoice: 8,00 € HT + 20 % = 9,60 € TTC, for the one dwelling active that month."""
    from decimal import Decimal

    from subscriptions.models import OperatorInvoice

    return OperatorInvoice.objects.create(
        contract=world, month=datetime.date(2025, 3, 1), reference="FC-03", amount_ht=Decimal("8.00"), vat_rate=20
    )


@pytest.fixture
def regularisation(invoiced, landlord, landlord_admin):
    """Habitat du Clain's 2025 regularisation, computed (a draft)."""
    from subscriptions.models import Regularisation

    made = Regularisation.objects.create(
        landlord=landlord, period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 12, 31)
    )
    made.compute(by=landlord_admin)
    return made
