"""record_release: what each event publishes (domain.md §8, "the public (open data)" row)."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.utils import timezone

from operators import releases
from operators.models import Release, TenderDocument
from operators.releases import record_release, release_package
from tests.operators.conftest import FIBRECITE_SECRET, RESEAU_SECRET, bid_of
from tests.operators.ocds_schema import shows, validation_errors


def package_of(*records):
    return release_package(records)


def test_ocid_is_the_prefix_from_settings_and_the_tender_reference(settings, tender):
    settings.OCDS_PREFIX = "ocds-b5fd17-qc"
    release = record_release(tender=tender, tag="tender")
    assert release.ocid == f"ocds-b5fd17-qc-{tender.reference}" == release.data["ocid"]
    assert release.release_id == f"ocds-b5fd17-qc-{tender.reference}/01-tender" == release.data["id"]
    assert release.date == tender.published_at.replace(microsecond=0)


def test_no_release_without_the_publisher_prefix(settings, tender):
    """A published ocid can never change: production without OCDS_PREFIX publishes nothing."""
    settings.OCDS_PREFIX = ""
    with pytest.raises(ImproperlyConfigured, match="OCDS_PREFIX"):
        record_release(tender=tender, tag="tender")
    assert not Release.objects.exists()


def test_the_notice_says_nothing_of_the_sealed_bids(staged, operator, operator2, landlord):
    tender = staged("published")
    data = record_release(tender=tender, tag="tender").data
    assert {"bids", "awards", "contracts"}.isdisjoint(data)
    assert {"tenderers", "numberOfTenderers"}.isdisjoint(data["tender"])
    assert [p["roles"] for p in data["parties"]] == [["buyer", "procuringEntity"]]
    assert data["parties"][0]["identifier"] == {"scheme": "FR-RCS", "id": landlord.siren, "legalName": landlord.name}
    assert data["tender"]["status"] == "active" and data["tender"]["value"] == {"amount": 90000.0, "currency": "EUR"}
    assert data["tender"]["awardCriteriaDetails"] == "Prix : 60 % ; Valeur technique : 40 %"
    assert data["tender"]["procurementMethodDetails"] == "Procédure adaptée (MAPA)"
    assert operator.name not in str(data) and operator2.name not in str(data)
    assert not shows(package_of(Release.objects.get()), bid_of(tender, operator))


def test_the_opening_gives_who_bid_and_how_many_never_a_price(staged, operator, operator2):
    tender = staged("opened")
    data = record_release(tender=tender, tag="tenderUpdate").data
    assert data["tender"]["status"] == "active" and data["tender"]["numberOfTenderers"] == 2
    assert {p["name"] for p in data["parties"][1:]} == {operator.name, operator2.name}
    assert {s["measure"]: s["value"] for s in data["bids"]["statistics"]} == {
        "bids": 2,
        "bidders": 2,
        "electronicBids": 2,
    }
    assert "details" not in data["bids"] and "awards" not in data
    package = package_of(Release.objects.get())
    assert not shows(package, bid_of(tender, operator)) and not shows(package, bid_of(tender, operator2))


def test_the_award_publishes_the_winning_bid_and_never_the_losing_one(staged, operator, operator2):
    tender = staged("awarded")
    data = record_release(tender=tender, tag="award").data
    winner, loser = bid_of(tender, operator), bid_of(tender, operator2)
    assert [bid["id"] for bid in data["bids"]["details"]] == [f"offre-{winner.pk}"]
    detail = data["bids"]["details"][0]
    assert detail["value"] == {"amount": float(winner.total_value()), "currency": "EUR"} and detail["rank"] == 1
    assert detail["items"][0]["unit"]["value"]["amount"] == 9.87
    award = data["awards"][0]
    assert (award["status"], award["relatedBids"], award["suppliers"][0]["name"]) == (
        "pending",  # the standstill runs
        [detail["id"]],
        operator.name,
    )
    assert data["contracts"][0]["status"] == "pending" and "dateSigned" not in data["contracts"][0]
    assert data["tender"]["status"] == "complete"
    roles = {p["name"]: p["roles"] for p in data["parties"]}
    assert roles[operator.name] == ["tenderer", "supplier"] and roles[operator2.name] == ["tenderer"]
    package = package_of(Release.objects.get())
    assert shows(package, winner) and not shows(package, loser)
    assert FIBRECITE_SECRET not in str(data) and RESEAU_SECRET not in str(data)
    assert tender.award_reasons not in str(data)


def test_the_signed_contract_gives_its_value_with_and_without_vat(staged):
    tender = staged("contracted")
    contract = tender.contract
    data = record_release(tender=tender, tag="contract", contract=contract).data
    published = data["contracts"][0]
    # (9.87 € × 48 months + 0 € installation) × 10 dwellings
    assert published["value"] == {"amount": 4737.6, "currency": "EUR"}
    assert "4 737,60 € HT, 5 685,12 € TTC" in published["description"].replace("\xa0", " ")
    assert "TVA 20 %" in published["description"]
    assert published["status"] == "active" and data["awards"][0]["status"] == "active"
    assert published["dateSigned"].startswith(contract.landlord_signed_on.isoformat())
    assert published["period"]["endDate"].startswith(contract.end.isoformat())
    assert published["documents"] == [
        {
            "id": "marche-signe",
            "documentType": "contractSigned",
            "title": "Marché signé des deux parties",
            "datePublished": releases.stamp(contract.signed_at),
            "language": "fr",
        }
    ]


def test_cancellation_after_the_opening_counts_the_eliminated_bids_without_the_reasons(
    staged, landlord_admin, operator, operator2
):
    tender = staged("opened")
    kept, eliminated = bid_of(tender, operator), bid_of(tender, operator2)
    kept.admit(by=landlord_admin)
    kept.save()
    eliminated.eliminate(by=landlord_admin, reason="Prix de 11,23 € au-dessus du maximum.")
    eliminated.save()
    tender.refresh_from_db()
    tender.cancel(by=landlord_admin, reasons="Besoin redéfini ; l'offre à 9,87 € ne couvrait pas tout.")
    tender.save()
    data = record_release(tender=tender, tag="tenderCancellation").data
    assert data["tender"]["status"] == "cancelled"
    statistics = {s["measure"]: s["value"] for s in data["bids"]["statistics"]}
    assert (statistics["validBids"], statistics["disqualifiedBids"]) == (1, 1)
    assert data["tender"]["documents"][-1]["documentType"] == "cancellationDetails"
    assert "11,23" not in str(data) and "9,87" not in str(data) and tender.end_reason not in str(data)


def test_cancellation_before_the_deadline_says_nothing_of_the_bids(staged, landlord_admin):
    tender = staged("published")
    tender.cancel(by=landlord_admin, reasons="Périmètre revu.")
    tender.save()
    data = record_release(tender=tender, tag="tenderCancellation").data
    assert data["tender"]["status"] == "cancelled" and "bids" not in data and "tenderers" not in data["tender"]


def test_an_unsuccessful_tender_is_released_as_such(staged, landlord_admin, operator, operator2):
    tender = staged("opened")
    for operator_ in (operator, operator2):
        bid = bid_of(tender, operator_)
        bid.eliminate(by=landlord_admin, reason="Non conforme.")
        bid.save()
    tender.refresh_from_db()
    tender.declare_unsuccessful(by=landlord_admin, reasons="Aucune offre recevable.")
    tender.save()
    data = record_release(tender=tender, tag="tenderUpdate").data
    assert data["tender"]["status"] == "unsuccessful"
    assert {s["measure"]: s["value"] for s in data["bids"]["statistics"]}["disqualifiedBids"] == 2


def test_documents_are_described_without_any_address(tender, landlord_admin):
    TenderDocument.objects.create(
        tender=tender, title="Cahier des charges", file=ContentFile(b"%PDF", name="ccp.pdf"), uploaded_by=landlord_admin
    )
    type(tender).objects.filter(pk=tender.pk).update(notice_boamp_reference="26-98765")
    documents = record_release(tender=tender, tag="tender").data["tender"]["documents"]
    assert [(d["documentType"], d["title"]) for d in documents] == [
        ("tenderNotice", "Avis de marché au BOAMP n° 26-98765"),
        ("biddingDocuments", "Cahier des charges"),
    ]
    assert documents[1]["format"] == "application/pdf"
    assert not any("url" in d for d in documents)


def test_the_rollout_registered_by_subscriptions_goes_into_the_contract(staged, monkeypatch):
    tender = staged("contracted")
    milestone = {"id": "1", "title": "Logements équipés", "status": "met"}
    monkeypatch.setattr(releases, "implementation_builders", [lambda contract: {"milestones": [milestone]}])
    data = record_release(tender=tender, tag="implementation", contract=tender.contract).data
    assert data["contracts"][0]["implementation"] == {"milestones": [milestone]}


def test_an_unknown_tag_is_refused(tender):
    with pytest.raises(ValueError):
        record_release(tender=tender, tag="planning")
    assert not Release.objects.exists()


def test_releases_number_in_order_and_validate(staged, landlord_admin):
    tender = staged("contracted")
    for tag in ("tender", "tenderUpdate", "award", "contract"):
        record_release(tender=tender, tag=tag)
    ids = list(Release.objects.order_by("pk").values_list("release_id", flat=True))
    assert [i.rsplit("/", 1)[1] for i in ids] == ["01-tender", "02-tenderUpdate", "03-award", "04-contract"]
    dates = list(Release.objects.order_by("pk").values_list("date", flat=True))
    assert dates == sorted(dates) and dates[-1] <= timezone.now() + datetime.timedelta(seconds=1)
    assert validation_errors(package_of(*Release.objects.order_by("pk"))) == []
