import pytest

from operators.models import Bid, ensure_rules_seeded
from tests.operators.factories import make_tender, publish, submitted_bid, tender_at

# The two bids of the cast: FibreCité is the cheapest (it wins by default), Réseau Solidaire loses.
FIBRECITE_SECRET = "SECRET-FIBRECITE engagement"
RESEAU_SECRET = "SECRET-RESEAU engagement"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def procurement_rules(db):
    """The rules of migration 0002: a browser test run before on this worker may have flushed them."""
    ensure_rules_seeded()


@pytest.fixture
def draft_tender(landlord):
    return make_tender(landlord)


@pytest.fixture
def tender(draft_tender, landlord_admin):
    """A published tender of Habitat du Clain: adapted procedure, deadline in 40 days."""
    return publish(draft_tender, landlord_admin)


@pytest.fixture
def bid(tender, operator, operator_admin):
    return submitted_bid(tender, operator, operator_admin, commitments=FIBRECITE_SECRET)


@pytest.fixture
def bidders(operator, operator_admin, operator2, operator2_admin):
    return [
        (operator, operator_admin, "9.87", FIBRECITE_SECRET),
        (operator2, operator2_admin, "11.23", RESEAU_SECRET),
    ]


@pytest.fixture
def staged(landlord, landlord_admin, bidders):
    """staged("opened") -> a tender of Habitat du Clain at that stage, both operators having bid."""

    def build(stage):
        return tender_at(stage, landlord=landlord, landlord_user=landlord_admin, bidders=bidders)

    return build


def bid_of(tender, operator):
    return Bid.objects.filter(tender=tender, operator=operator).order_by("-version").first()
