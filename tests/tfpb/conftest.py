"""The TFPB cast: Habitat du Clain's convention 2025-2030 with Grand Poitiers (EPCI) and the
Préfecture, both reviewing its reports; 12 dwellings in Trois Cités, 5 in Bel Air. `subscribed`
adds three dwellings with internet subscriptions in Trois Cités in 2025 (the connectivity proposal)."""

from importlib import import_module

import pytest
from django.apps import apps

from tests.tfpb import factories
from tfpb.models import Axis, ConventionState


@pytest.fixture(autouse=True)
def referential(db):
    """The axes, the connectivity line and the deadline rules (a flushing test may have wiped them)."""
    if not Axis.objects.exists():
        import_module("tfpb.migrations.0002_axes_and_rules").load(apps, None)


@pytest.fixture
def trois_cites(db):
    return factories.qpv("QN08604M")


@pytest.fixture
def bel_air(db):
    return factories.qpv("QN08603M")


@pytest.fixture
def stock(landlord, trois_cites, bel_air):
    factories.lodgings(landlord, trois_cites, 14, exited=2)
    factories.lodgings(landlord, bel_air, 5)


@pytest.fixture
def convention(landlord, city, state, trois_cites, bel_air, stock):
    return factories.convention(landlord, cities=[city], state=state, qpvs=[trois_cites, bel_air])


@pytest.fixture
def draft_convention(landlord, city, state, trois_cites, bel_air):
    return factories.convention(
        landlord, cities=[city], state=state, qpvs=[trois_cites], signed=False, status=ConventionState.DRAFT
    )


@pytest.fixture
def report(convention):
    return factories.report(convention)


@pytest.fixture
def subscribed(landlord, operator, trois_cites):
    """Internet subscriptions of Habitat du Clain in Trois Cités in 2025 (factories.subscriptions_2025)."""
    return factories.subscriptions_2025(landlord, operator, trois_cites)
