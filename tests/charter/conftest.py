"""Fixtures of the charter tests, on top of the fixed cast (tests/conftest.py).

- `trois_cites` (QN08604M, Poitiers and Saint-Benoît) and `bel_air` (QN08603M, Poitiers): in Grand
  Poitiers' territory; `brest_qpv`: in the outsider's.
- `draft`: Grand Poitiers' draft charter covering both; `charter`: the same, published.
- `invitation`: Habitat du Clain invited to `charter`; `signed`: the same, signed by Alice.
- `stock`: 10 dwellings of Habitat du Clain in Trois Cités, 2 of them equipped on 5 January 2026.
"""

import pytest

from charter.kinds import ensure_default_kinds

from .factories import invite, make_charter, make_dwellings, make_qpv, sign


@pytest.fixture
def kinds(db):
    # Seeded by a migration, but transactional tests (browser) flush tables: make sure they are here.
    ensure_default_kinds()


@pytest.fixture
def trois_cites(db):
    return make_qpv("QN08604M", "Trois Cités", ["86194", "86214"])


@pytest.fixture
def bel_air(db):
    return make_qpv("QN08603M", "Bel Air", ["86194"])


@pytest.fixture
def brest_qpv(db):
    return make_qpv("QN02901M", "Bellevue", ["29019"])


@pytest.fixture
def draft(kinds, city, city_admin, trois_cites, bel_air):
    return make_charter(city, by=city_admin, qpvs=[trois_cites, bel_air])


@pytest.fixture
def charter(draft, city_admin):
    draft.publish(by=city_admin)
    draft.save()
    return draft


@pytest.fixture
def invitation(charter, landlord, landlord_admin, city_admin):
    return invite(charter, landlord, by=city_admin)


@pytest.fixture
def signed(invitation, landlord_admin):
    return sign(invitation, landlord_admin)


@pytest.fixture
def stock(landlord, trois_cites):
    residence, lodgings = make_dwellings(landlord, trois_cites, 10, equipped=2)
    return lodgings
