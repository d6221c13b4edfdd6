import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from operators.models import Contract, Tender


@pytest.fixture
def contract(staged):
    tender = staged("awarded")
    Tender.objects.filter(pk=tender.pk).update(standstill_days=11)
    contract = tender.contract
    Contract.objects.filter(pk=contract.pk).update(earliest_signature_at=timezone.now() + datetime.timedelta(days=11))
    contract.refresh_from_db()
    return contract


def pdf():
    return SimpleUploadedFile("marche.pdf", b"%PDF-1.4 marche signe", content_type="application/pdf")


def test_signature_before_the_standstill_ends_is_refused(client_of, operator_admin, contract):
    url = reverse("operators:contract_operator_sign", args=[contract.pk])
    response = client_of(operator_admin).post(url, {"signed_on": timezone.localdate().isoformat()}, follow=True)
    assert "délai de suspension court encore" in response.text
    contract.refresh_from_db()
    assert contract.operator_signed_on is None


def test_both_parties_sign_after_the_standstill(client_of, operator_admin, landlord_admin, contract):
    later = contract.earliest_signature_at + datetime.timedelta(days=1)
    with time_machine.travel(later, tick=False):
        day = timezone.localdate().isoformat()
        client_of(operator_admin).post(
            reverse("operators:contract_operator_sign", args=[contract.pk]), {"signed_on": day}
        )
        client_of(landlord_admin).post(
            reverse("operators:contract_sign", args=[contract.pk]), {"signed_on": day, "document": pdf()}
        )
        contract.refresh_from_db()
        assert contract.state == "active" and contract.signed_document_sha256
        assert contract.start == timezone.localdate() and contract.end.year == contract.start.year + 4
        assert contract.tender.state == "contracted"
        download = client_of(operator_admin).get(reverse("operators:contract_document", args=[contract.pk]))
        assert b"".join(download.streaming_content) == b"%PDF-1.4 marche signe"


def test_landlord_signs_only_after_the_operator(client_of, landlord_admin, contract):
    with time_machine.travel(contract.earliest_signature_at + datetime.timedelta(days=1), tick=False):
        response = client_of(landlord_admin).post(
            reverse("operators:contract_sign", args=[contract.pk]),
            {"signed_on": timezone.localdate().isoformat(), "document": pdf()},
            follow=True,
        )
    assert "Action déjà effectuée" in response.text
    contract.refresh_from_db()
    assert contract.state == "pending"


@pytest.mark.parametrize(
    ("who", "status"), [("operator_admin", 403), ("landlord_viewer", 403), ("operator2_admin", 404), ("outsider", 404)]
)
def test_others_cannot_sign_for_the_landlord(client_of, cast, contract, who, status):
    url = reverse("operators:contract_sign", args=[contract.pk])
    assert client_of(cast[who]).post(url, {"signed_on": "2030-01-01"}).status_code == status


def test_landlord_terminates_an_active_contract(client_of, landlord_admin, staged):
    contract = staged("contracted").contract
    client_of(landlord_admin).post(
        reverse("operators:contract_terminate", args=[contract.pk]),
        {"on": timezone.localdate().isoformat(), "reason": "Manquements répétés."},
    )
    contract.refresh_from_db()
    assert contract.state == "terminated" and contract.end == timezone.localdate()


def test_contract_lodgings_are_the_perimeter(staged):
    contract = staged("contracted").contract
    assert contract.lodgings().count() == contract.dwelling_count == 10
