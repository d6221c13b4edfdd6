"""Rules on the models this part adds to: the import's state machine, equipment refreshed in bulk."""

import datetime

import pytest
from django_fsm import TransitionNotAllowed, has_transition_perm

from leases.models import EquipmentEvent, EquipmentStatus, ImportState, Lodging
from tests.leases.factories import ImportBatchFactory, LodgingFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("role", "allowed"), [("landlord_admin", True), ("landlord_member", True)])
def test_landlord_editors_may_confirm_and_cancel(cast, landlord, role, allowed):
    batch = ImportBatchFactory(landlord=landlord)
    assert has_transition_perm(batch.confirm, cast[role]) is allowed
    assert has_transition_perm(batch.cancel, cast[role]) is allowed


@pytest.mark.parametrize("role", ["landlord_viewer", "landlord2_admin", "city_admin"])
def test_others_may_not_confirm(cast, landlord, role):
    batch = ImportBatchFactory(landlord=landlord)
    assert not has_transition_perm(batch.confirm, cast[role])


def test_an_applied_import_cannot_be_confirmed_again(landlord, landlord_admin):
    batch = ImportBatchFactory(landlord=landlord, state=ImportState.APPLIED)
    with pytest.raises(TransitionNotAllowed):
        batch.confirm(by=landlord_admin)


def test_state_is_changed_only_by_transitions(landlord):
    batch = ImportBatchFactory(landlord=landlord)
    with pytest.raises(AttributeError):
        batch.state = ImportState.APPLIED


def test_progress_in_percent():
    assert ImportBatchFactory.build(total_rows=200, validated_rows=50).progress == 25
    assert ImportBatchFactory.build(total_rows=0).progress == 0


def test_refresh_equipment_in_bulk_matches_the_one_by_one_rule(landlord):
    lodgings = [LodgingFactory(residence__landlord=landlord) for _ in range(3)]
    day = datetime.date(2025, 1, 1)
    EquipmentEvent.objects.bulk_create(
        [
            EquipmentEvent(lodging=lodgings[0], status=EquipmentStatus.OUTLET, effective_date=day),
            EquipmentEvent(lodging=lodgings[0], status=EquipmentStatus.BOX, effective_date=day.replace(month=3)),
            EquipmentEvent(lodging=lodgings[1], status=EquipmentStatus.BOX, effective_date=day),
            EquipmentEvent(lodging=lodgings[1], status=EquipmentStatus.NONE, effective_date=day.replace(month=2)),
        ]
    )
    Lodging.objects.filter(landlord=landlord).refresh_equipment()
    bulk = list(Lodging.objects.order_by("pk").values_list("equipment_status", "equipment_date"))
    for lodging in lodgings:
        lodging.refresh_equipment()
    assert bulk == list(Lodging.objects.order_by("pk").values_list("equipment_status", "equipment_date"))
    assert bulk == [
        (EquipmentStatus.BOX, datetime.date(2025, 3, 1)),
        (EquipmentStatus.NONE, None),
        (EquipmentStatus.NONE, None),
    ]
