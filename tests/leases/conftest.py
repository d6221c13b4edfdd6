"""The stock of the fixed cast.

- Habitat du Clain (`landlord`) has « Les Tilleuls » (Poitiers, QPV Trois Cités, fibre deployed)
  with `lodging` (let under lease BAIL-TILLEULS-12) and `vacant_lodging`, and « Le Phare » in Brest
  (29019), outside Grand Poitiers: the city does not see it, the Brest outsider does.
- Logis de la Vienne (`landlord2`) has « Saint-Eloi » (Buxerolles, unmatched fibre) with `rival_lodging`.
"""

import datetime

import pytest

from tests.leases.factories import LeaseFactory, LodgingFactory, QpvFactory, ResidenceFactory


@pytest.fixture
def trois_cites(db):
    return QpvFactory(code="QN08604M", name="Trois Cités", communes=["86194", "86214"])


@pytest.fixture
def residence(landlord, trois_cites):
    return ResidenceFactory(landlord=landlord, name="Les Tilleuls", qpv=trois_cites)


@pytest.fixture
def lodging(residence):
    lodging = LodgingFactory(residence=residence, rpls_id="8619400012", street_number="12")
    LeaseFactory(lodging=lodging, reference="BAIL-TILLEULS-12", start=datetime.date(2021, 3, 1))
    LeaseFactory(
        lodging=lodging, reference="BAIL-ANCIEN-12", start=datetime.date(2015, 1, 1), end=datetime.date(2021, 1, 31)
    )
    return lodging


@pytest.fixture
def vacant_lodging(residence):
    return LodgingFactory(residence=residence, rpls_id="8619400014", street_number="14")


@pytest.fixture
def brest_residence(landlord):
    return ResidenceFactory(
        landlord=landlord,
        name="Le Phare",
        address="RUE DE SIAM",
        commune="29019",
        commune_name="Brest",
        postcode="29200",
        qpv=None,
    )


@pytest.fixture
def brest_lodging(brest_residence):
    return LodgingFactory(residence=brest_residence, rpls_id="2901900001", street_name="DE SIAM")


@pytest.fixture
def rival_residence(landlord2):
    return ResidenceFactory(
        landlord=landlord2,
        name="Saint-Eloi",
        address="RUE SAINT ELOI",
        commune="86041",
        commune_name="Buxerolles",
        postcode="86180",
        qpv=None,
        unmatched=True,
    )


@pytest.fixture
def rival_lodging(rival_residence):
    return LodgingFactory(residence=rival_residence, rpls_id="8604100001", street_name="SAINT ELOI")


@pytest.fixture
def stock(lodging, vacant_lodging, brest_lodging, rival_lodging):
    """Every dwelling of the fixtures above."""
    return {"lodging": lodging, "vacant": vacant_lodging, "brest": brest_lodging, "rival": rival_lodging}
