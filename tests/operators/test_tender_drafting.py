"""Creating and editing a draft: form, perimeter, criteria, documents."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from operators.models import Tender, TenderDocument
from tests.operators.factories import residence_with_dwellings


def form_data(**overrides):
    now = timezone.now()
    data = {
        "reference": "AO-2026-900",
        "title": "Box internet",
        "estimated_value_ht": "80000",
        "duration_months": "48",
        "technology": "ftth",
        "min_download_mbps": "300",
        "min_upload_mbps": "100",
        "box_in_every_dwelling": "on",
        "questions_deadline": (now + datetime.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
        "deadline": (now + datetime.timedelta(days=40)).strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(overrides)
    return data


def test_landlord_member_creates_a_draft(client_of, landlord_member, landlord):
    response = client_of(landlord_member).post(reverse("operators:tender_create"), form_data())
    tender = Tender.objects.get()
    assert response.status_code == 302 and tender.landlord == landlord and tender.state == "draft"


@pytest.mark.parametrize("who", ["landlord_viewer", "operator_admin", "city_admin"])
def test_others_cannot_create(client_of, cast, who):
    assert client_of(cast[who]).post(reverse("operators:tender_create"), form_data()).status_code == 403


def test_stale_edit_does_not_overwrite(client_of, landlord_admin, draft_tender):
    url = reverse("operators:tender_edit", args=[draft_tender.pk])
    client = client_of(landlord_admin)
    stale = draft_tender.version
    client.post(url, form_data(reference=draft_tender.reference, title="Premier", version=stale))
    response = client.post(url, form_data(reference=draft_tender.reference, title="Second", version=stale), follow=True)
    assert "a modifié cet appel d" in response.text
    assert Tender.objects.get(pk=draft_tender.pk).title == "Premier"


def test_published_tender_is_no_longer_edited(client_of, landlord_admin, tender):
    response = client_of(landlord_admin).post(
        reverse("operators:tender_edit", args=[tender.pk]), form_data(title="Changé"), follow=True
    )
    assert "avis rectificatif" in response.text
    assert Tender.objects.get(pk=tender.pk).title != "Changé"


def test_perimeter_lists_only_the_landlords_residences(client_of, landlord_admin, landlord, landlord2, draft_tender):
    mine = residence_with_dwellings(landlord, 3)
    theirs = residence_with_dwellings(landlord2, 3)
    url = reverse("operators:tender_perimeter_edit", args=[draft_tender.pk])
    response = client_of(landlord_admin).post(url, {"residences": [theirs.pk]})
    assert "Sélectionnez un choix valide" in response.text
    client_of(landlord_admin).post(url, {"residences": [mine.pk]})
    assert list(draft_tender.residences.all()) == [mine]


def test_criteria_weights_must_total_100(client_of, landlord_admin, draft_tender):
    criteria = list(draft_tender.criteria.all())
    data = {
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "2",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for i, criterion in enumerate(criteria):
        data.update(
            {f"criteria-{i}-id": criterion.pk, f"criteria-{i}-name": criterion.name, f"criteria-{i}-weight": "40"}
        )
    response = client_of(landlord_admin).post(reverse("operators:tender_criteria", args=[draft_tender.pk]), data)
    assert "doivent totaliser 100" in response.text
    data["criteria-0-weight"] = "60"
    client_of(landlord_admin).post(reverse("operators:tender_criteria", args=[draft_tender.pk]), data)
    assert draft_tender.total_weight() == 100


def test_document_upload_and_access_checked_download(client_of, cast, landlord_admin, draft_tender):
    upload = SimpleUploadedFile("reglement.pdf", b"%PDF reglement", content_type="application/pdf")
    client_of(landlord_admin).post(
        reverse("operators:document_add", args=[draft_tender.pk]), {"title": "Règlement", "file": upload}
    )
    document = TenderDocument.objects.get()
    assert len(document.sha256) == 64
    url = reverse("operators:document_download", args=[document.pk])
    assert client_of(cast["operator_admin"]).get(url).status_code == 404  # draft: not public yet
    response = client_of(cast["landlord_viewer"]).get(url)
    assert b"".join(response.streaming_content) == b"%PDF reglement"


def test_downloading_a_published_document_shows_interest(client_of, operator_admin, operator, tender):
    document = TenderDocument.objects.create(
        tender=tender, title="CCTP", file=SimpleUploadedFile("cctp.pdf", b"%PDF"), sha256="0" * 64
    )
    client_of(operator_admin).get(reverse("operators:document_download", args=[document.pk]))
    assert list(tender.interested_operators()) == [operator]


def test_executable_upload_is_refused(client_of, landlord_admin, draft_tender):
    upload = SimpleUploadedFile("virus.exe", b"MZ")
    response = client_of(landlord_admin).post(
        reverse("operators:document_add", args=[draft_tender.pk]), {"title": "X", "file": upload}
    )
    assert "Format non accepté" in response.text and not TenderDocument.objects.exists()
