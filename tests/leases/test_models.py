"""Rules on the stock models: equipment as dated events, exits, rates, and the import's state machine."""

import datetime

import pytest
from django_fsm import TransitionNotAllowed, has_transition_perm

from leases.models import EquipmentEvent, EquipmentStatus, ImportState, Lodging, Residence, StockStateError
from tests.leases.factories import ImportBatchFactory, LeaseFactory, bulk_lodgings


def test_bulk_refresh_agrees_with_the_one_by_one_refresh(residence, landlord_admin):
    lodgings = bulk_lodgings(residence, 4)
    a, b, c, _ = Lodging.objects.order_by("pk")
    for lodging, status, day in [
        (a, "box", datetime.date(2025, 1, 1)),
        (a, "none", datetime.date(2025, 2, 1)),
        (b, "outlet", datetime.date(2025, 1, 1)),
        (b, "box", datetime.date(2024, 1, 1)),  # older fact, recorded later
        (c, "box", datetime.date(2025, 1, 1)),
    ]:
        EquipmentEvent.objects.create(lodging=lodging, status=status, effective_date=day, recorded_by=landlord_admin)
    Lodging.objects.all().refresh_equipment()
    bulk = {lodging.pk: (lodging.equipment_status, lodging.equipment_date) for lodging in Lodging.objects.all()}
    for lodging in Lodging.objects.all():
        lodging.refresh_equipment(save=False)
        assert bulk[lodging.pk] == (lodging.equipment_status, lodging.equipment_date)
    assert bulk[a.pk] == ("none", None)
    assert bulk[b.pk] == ("outlet", datetime.date(2025, 1, 1))
    assert len(lodgings) == 4


def test_a_contested_event_no_longer_counts(lodging, landlord_admin):
    event = lodging.record_equipment(status="box", effective_date=datetime.date(2025, 1, 1), by=landlord_admin)
    event.contested_at = event.recorded_at
    event.save()
    Lodging.objects.filter(pk=lodging.pk).refresh_equipment()
    lodging.refresh_from_db()
    assert lodging.equipment_status == EquipmentStatus.NONE


def test_queryset_record_equipment_writes_one_event_per_dwelling(residence, landlord_admin):
    bulk_lodgings(residence, 30)
    count = Lodging.objects.all().record_equipment(
        status="box", effective_date=datetime.date(2025, 3, 1), by=landlord_admin
    )
    assert count == 30
    assert EquipmentEvent.objects.filter(recorded_by=landlord_admin, status="box").count() == 30
    assert set(Lodging.objects.values_list("equipment_status", "equipment_date")) == {
        ("box", datetime.date(2025, 3, 1))
    }


def test_summary_counts_vacancy_qpv_and_equipment(stock, landlord_admin):
    stock["vacant"].record_equipment(status="outlet", effective_date=datetime.date(2025, 1, 1), by=landlord_admin)
    LeaseFactory(lodging=stock["rival"], start=datetime.date(2030, 1, 1))  # not started yet: still vacant
    assert Lodging.objects.all().summary() == {"total": 4, "in_qpv": 2, "equipped": 0, "outlet": 1, "vacant": 3}


def test_leave_and_return(lodging):
    lodging.leave_stock(reason="sold", on=datetime.date(2025, 1, 1))
    with pytest.raises(StockStateError):
        lodging.leave_stock(reason="demolished", on=datetime.date(2025, 1, 2))
    lodging.return_to_stock()
    with pytest.raises(StockStateError):
        lodging.return_to_stock()
    with pytest.raises(ValueError):
        lodging.leave_stock(reason="", on=datetime.date(2025, 1, 1))


def test_residence_rates(residence, landlord):
    bulk_lodgings(residence, 3, equipment_status=EquipmentStatus.BOX)
    bulk_lodgings(residence, 1, start=3)
    row = Residence.objects.with_rates().get(pk=residence.pk)
    assert (row.lodging_count, row.equipped_count, row.equipped_rate) == (4, 3, 75.0)


@pytest.mark.parametrize(
    ("confidence", "label"), [(None, "Non rapprochée"), (100, "Élevée"), (60, "Moyenne"), (30, "Faible"), (10, "10 %")]
)
def test_confidence_label(confidence, label):
    assert Residence(fibre_match_confidence=confidence).fibre_confidence_label.startswith(label)


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
