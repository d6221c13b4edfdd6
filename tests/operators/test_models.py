from decimal import Decimal

from django.utils import timezone

from leases.models import Lodging, Residence
from operators.models import Bid, Contract, Procedure, Tender
from tests.operators.factories import residence_with_dwellings


def test_perimeter_summary_counts_dwellings_and_fibre_readiness_per_qpv(landlord, draft_tender):
    from leases.models import Qpv

    qpv = Qpv.objects.create(code="QN08604M", name="Trois Cités")
    draft_tender.residences.add(residence_with_dwellings(landlord, 4, qpv=qpv, fibre_state="signe"))
    rows = {row["qpv__code"]: row for row in draft_tender.perimeter_summary()}
    assert rows["QN08604M"]["dwellings"] == 4 and rows["QN08604M"]["fibre_ready"] == 0
    assert rows[None]["dwellings"] == 10 and rows[None]["fibre_ready"] == 10


def test_hash_changes_with_any_field(bid):
    before = bid.compute_hash()
    bid.commitments += " "
    assert bid.compute_hash() != before and len(before) == 64


def test_total_value_counts_months_installation_and_dwellings(bid):
    bid.installation_fee_ht = Decimal("30")
    assert bid.total_value() == (Decimal("10.00") * 48 + 30) * 10


def test_procedure_follows_the_value(draft_tender):
    draft_tender.estimated_value_ht = Decimal("216000")
    assert draft_tender.expected_procedure() == Procedure.FORMAL
    draft_tender.estimated_value_ht = Decimal("215999.99")
    assert draft_tender.expected_procedure() == Procedure.ADAPTED


def test_operators_see_the_residences_of_published_tenders_only(operator_admin, draft_tender, landlord_admin):
    assert not Residence.objects.visible_to(operator_admin).exists()
    draft_tender.publish(by=landlord_admin)
    draft_tender.save()
    assert Residence.objects.visible_to(operator_admin).count() == 1
    assert not Lodging.objects.visible_to(operator_admin).exists()  # counts only, not dwellings


def test_contract_operator_sees_its_dwellings_rival_does_not(staged, operator_admin, operator2_admin):
    contract = staged("contracted").contract
    assert Lodging.objects.visible_to(operator_admin).count() == contract.dwelling_count
    assert not Lodging.objects.visible_to(operator2_admin).exists()
    assert Contract.objects.visible_to(operator2_admin).count() == 0


def test_sealed_bids_are_invisible_to_everyone_but_their_operator(cast, bid):
    for who, user in cast.items():
        assert Bid.objects.visible_to(user).exists() == (who == "operator_admin"), who
    assert not Bid.objects.unsealed().exists()


def test_tender_visibility_of_city_staff_follows_their_communes(cast, tender):
    assert Tender.objects.visible_to(cast["city_admin"]).exists()
    assert not Tender.objects.visible_to(cast["outsider"]).exists()
    assert tender.deadline > timezone.now()
