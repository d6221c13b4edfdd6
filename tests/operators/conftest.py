import pytest

from tests.operators.factories import make_tender, publish


@pytest.fixture
def draft_tender(landlord):
    return make_tender(landlord)


@pytest.fixture
def tender(draft_tender, landlord_admin):
    """A published tender of Habitat du Clain: adapted procedure, deadline in 40 days."""
    return publish(draft_tender, landlord_admin)
