"""The visibility table of domain.md §8, for every role at every stage: pages, exports, downloads.

Sealed until the opening: nobody but the bidding operator reads a bid; after the opening the
landlord reads every bid; an operator never reads a rival's bid; after the award each operator
sees its own score and rank, the winner and the awarded price; city staff see counts, then a
summary, then the award and statistics.
"""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from openpyxl import load_workbook

from operators.models import BidDocument
from tests.operators.conftest import FIBRECITE_SECRET, RESEAU_SECRET, bid_of

LANDLORD = ["landlord_admin", "landlord_member", "landlord_viewer"]
TERRITORY = ["city_admin", "city_member", "state_user"]
EVERYONE = [*LANDLORD, "landlord2_admin", *TERRITORY, "operator_admin", "operator2_admin", "outsider"]
AFTER_DEADLINE = ["opened", "evaluation", "awarded", "contracted"]
TABS = ["tender_detail", "tender_perimeter", "tender_questions", "tender_bids", "tender_award_tab"]


def sees_tender(who, stage):
    if who in LANDLORD:
        return True
    if stage == "draft":
        return False
    return who in [*TERRITORY, "operator_admin", "operator2_admin"]


def reads_fibrecite_bid(who, stage):
    return who == "operator_admin" or (who in LANDLORD and stage in AFTER_DEADLINE)


def with_document(tender, operator):
    bid = bid_of(tender, operator)
    BidDocument.objects.create(
        bid=bid, title="Mémoire technique", file=ContentFile(b"contenu scelle", name="memoire.pdf"), sha256="0" * 64
    )
    return bid


def xlsx_text(content):
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row)


@pytest.mark.parametrize("stage", ["published", *AFTER_DEADLINE])
def test_bid_content_follows_the_table(client_of, cast, staged, operator, stage):
    tender = staged(stage)
    bid = with_document(tender, operator)
    document = bid.documents.get()
    for who in EVERYONE:
        client = client_of(cast[who])
        allowed = reads_fibrecite_bid(who, stage)
        expected = 200 if allowed else 404
        assert client.get(reverse("operators:bid_detail", args=[bid.pk])).status_code == expected, who
        download = client.get(reverse("operators:bid_document_download", args=[document.pk]))
        assert download.status_code == expected, who
        if allowed:
            assert b"".join(download.streaming_content) == b"contenu scelle"
        for tab in TABS:
            response = client.get(reverse(f"operators:{tab}", args=[tender.pk]))
            assert response.status_code == (200 if sees_tender(who, stage) else 404), (who, tab)
            if who != "operator_admin" and not (who in LANDLORD and stage in AFTER_DEADLINE):
                assert FIBRECITE_SECRET not in response.text, (who, tab)
                assert "9,87" not in response.text or (stage in ("awarded", "contracted")), (who, tab)
            if who not in LANDLORD or stage not in AFTER_DEADLINE:
                assert RESEAU_SECRET not in response.text, (who, tab)


@pytest.mark.parametrize("stage", ["draft", "published", *AFTER_DEADLINE])
def test_tender_pages_are_visible_to_the_right_people(client_of, cast, staged, stage):
    tender = staged(stage)
    for who in EVERYONE:
        response = client_of(cast[who]).get(reverse("operators:tender_detail", args=[tender.pk]))
        assert response.status_code == (200 if sees_tender(who, stage) else 404), who


@pytest.mark.parametrize("stage", ["published", "opened"])
def test_landlord_sees_at_most_the_count_before_opening(client_of, cast, staged, stage):
    tender = staged(stage)
    response = client_of(cast["landlord_admin"]).get(reverse("operators:tender_bids", args=[tender.pk]))
    if stage == "published":
        assert "2 offres reçues, sous pli scellé" in response.text
        assert FIBRECITE_SECRET not in response.text and "9,87" not in response.text
    else:
        assert "9,87" in response.text and "11,23" in response.text


@pytest.mark.parametrize("stage", ["published", *AFTER_DEADLINE])
def test_operators_never_learn_the_bid_count(client_of, cast, staged, stage):
    tender = staged(stage)
    response = client_of(cast["operator2_admin"]).get(reverse("operators:tender_bids", args=[tender.pk]))
    assert "offres reçues" not in response.text


def test_city_staff_see_a_summary_after_opening(client_of, cast, staged):
    tender = staged("opened")
    response = client_of(cast["city_admin"]).get(reverse("operators:tender_bids", args=[tender.pk]))
    assert "2 offres ouvertes" in response.text
    assert "9,87" not in response.text


@pytest.mark.parametrize("stage", ["awarded", "contracted"])
def test_after_award_each_operator_sees_its_score_the_winner_and_price(client_of, cast, staged, operator2, stage):
    tender = staged(stage)
    loser = bid_of(tender, operator2)
    response = client_of(cast["operator2_admin"]).get(reverse("operators:tender_award_tab", args=[tender.pk]))
    assert "Votre offre : non retenue" in response.text
    assert f"Rang</dt><dd>{loser.rank}" in response.text
    assert "FibreCité" in response.text and "9,87" in response.text
    assert FIBRECITE_SECRET not in response.text
    city = client_of(cast["city_admin"]).get(reverse("operators:tender_award_tab", args=[tender.pk]))
    assert "Prix moyen" in city.text and "FibreCité" in city.text
    assert RESEAU_SECRET not in city.text and FIBRECITE_SECRET not in city.text


@pytest.mark.parametrize("stage", ["published", *AFTER_DEADLINE])
def test_bids_export_is_the_landlords_after_opening_only(client_of, cast, staged, stage):
    tender = staged(stage)
    url = reverse("operators:bids_export", args=[tender.pk])
    for who in EVERYONE:
        response = client_of(cast[who]).get(url)
        if who in LANDLORD and stage in AFTER_DEADLINE:
            assert response.status_code == 200
            text = xlsx_text(response.content)
            assert "FibreCité" in text and "9.87" in text
        else:
            assert response.status_code == (403 if sees_tender(who, stage) else 404), who


@pytest.mark.parametrize("stage", ["draft", "published", "opened", "awarded"])
def test_tender_export_never_holds_a_price_and_counts_only_for_landlord_and_city(client_of, cast, staged, stage):
    tender = staged(stage)
    for who in EVERYONE:
        response = client_of(cast[who]).get(reverse("operators:tender_export"))
        assert response.status_code == 200
        text = xlsx_text(response.content)
        assert ("9.87" in text) is False and FIBRECITE_SECRET not in text
        assert (tender.reference in text) == sees_tender(who, stage), who


def test_django_admin_hides_sealed_bids(client, staged, operator, django_user_model):
    tender = staged("published")
    superuser = django_user_model.objects.create_superuser("root@example.fr", "motdepasse-de-test")
    client.force_login(superuser)
    bid = bid_of(tender, operator)
    assert FIBRECITE_SECRET not in client.get(reverse("admin:operators_bid_changelist")).text
    assert client.get(reverse("admin:operators_bid_change", args=[bid.pk])).status_code == 302  # "does not exist"
    assert client.get(reverse("admin:operators_biddocument_changelist")).status_code == 200


def test_django_admin_shows_opened_bids_read_only(client, staged, operator, django_user_model):
    tender = staged("opened")
    superuser = django_user_model.objects.create_superuser("root@example.fr", "motdepasse-de-test")
    client.force_login(superuser)
    bid = bid_of(tender, operator)
    response = client.get(reverse("admin:operators_bid_change", args=[bid.pk]))
    assert response.status_code == 200 and FIBRECITE_SECRET in response.text
    assert 'name="_save"' not in response.text
