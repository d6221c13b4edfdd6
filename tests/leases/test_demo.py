from io import StringIO

from django.core.management import call_command

from leases.models import EquipmentStatus, Lease, Lodging, Residence


def test_demo_stock_is_coherent_with_the_screens(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # idempotent
    assert Lodging.objects.count() == 720
    for landlord_id in Lodging.objects.values_list("landlord", flat=True).distinct():
        mine = Lodging.objects.filter(landlord=landlord_id)
        summary = mine.summary()
        assert summary["total"] >= 100
        assert 0 < summary["equipped"] < summary["total"]
        assert 0 < summary["vacant"] < summary["total"]
        assert summary["in_qpv"] > 0
        assert mine.filter(equipment_status=EquipmentStatus.OUTLET).exists()
        assert mine.exclude(exit_reason="").exists()
    assert Lodging.objects.filter(qpv__isnull=True).exists()
    assert Lease.objects.filter(end__isnull=False).exists()
    assert Residence.objects.filter(fibre_match_confidence__isnull=True).exists()
    assert Residence.objects.filter(fibre_match_confidence=100).exists()
