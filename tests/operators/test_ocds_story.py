"""The whole life of a tender through the screens: every event leaves one OCDS release, the public
package validates, and nothing of a sealed or losing bid ever shows in it."""

import datetime
import json
from decimal import Decimal

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from operators.models import Amendment, Bid, Contract, Release
from tests.operators.factories import BidFactory, make_tender, score_all, start_evaluation, submitted_bid
from tests.operators.ocds_schema import shows, validation_errors


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_each_event_is_released_once_and_nothing_sealed_ever_shows(
    client, client_of, landlord, landlord_admin, operator, operator_admin, operator2, operator2_admin,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    def post(user, name, pk, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            response = client_of(user).post(reverse(f"operators:{name}", args=[pk]), data or {})
        assert response.status_code == 302, response.content[:500]

    def package():
        response = client.get(reverse("operators:ocds_package"))  # nobody logged in
        assert response.status_code == 200
        return response.json()

    def tags():
        return list(Release.objects.order_by("pk").values_list("tag", flat=True))

    tender = make_tender(landlord)
    post(landlord_admin, "tender_publish", tender.pk)
    assert tags() == ["tender"]
    tender.refresh_from_db()

    winner = submitted_bid(tender, operator, operator_admin, unit_price_ht=Decimal("9.87"), commitments="SECRET-A")
    first = submitted_bid(tender, operator2, operator2_admin, unit_price_ht=Decimal("12.34"), commitments="SECRET-B1")
    first.replace(by=operator2_admin)
    first.save()
    loser = BidFactory(
        tender=tender, operator=operator2, created_by=operator2_admin, version=2, replaces=first,
        unit_price_ht=Decimal("11.23"), commitments="SECRET-B2",
    )  # fmt: skip
    loser.submit(by=operator2_admin)
    loser.save()
    sealed = package()
    assert not any(shows(sealed, bid) for bid in (winner, first, loser))
    assert "bids" not in sealed["releases"][0] and "tenderers" not in sealed["releases"][0]["tender"]

    now = timezone.now()
    post(
        landlord_admin,
        "tender_amend",
        tender.pk,
        {
            "summary": "Ajout d'une résidence au périmètre.",
            "notice_reference": "26-12345",
            "new_questions_deadline": local(now + datetime.timedelta(days=20)),
            "new_deadline": local(now + datetime.timedelta(days=30)),
        },
    )
    for bid in (winner, loser):
        bid.refresh_from_db()
        bid.confirm(by=bid.submitted_by)
        bid.save()
    amended = package()["releases"][-1]
    assert amended["tag"] == ["tenderAmendment"] and "bids" not in amended
    assert amended["tender"]["amendments"][0]["amendsReleaseID"] == sealed["releases"][0]["id"]
    assert amended["tender"]["tenderPeriod"]["endDate"].startswith(local(Amendment.objects.get().new_deadline)[:10])
    assert not any(shows(package(), bid) for bid in (winner, first, loser))

    with time_machine.travel(Amendment.objects.get().new_deadline + datetime.timedelta(minutes=1), tick=False):
        post(landlord_admin, "tender_open", tender.pk)
        opened = package()
        statistics = {s["measure"]: s["value"] for s in opened["releases"][-1]["bids"]["statistics"]}
        assert statistics == {"bids": 2, "bidders": 2, "electronicBids": 2}
        assert not any(shows(opened, bid) for bid in (winner, first, loser))

        tender.refresh_from_db()
        start_evaluation(tender, landlord_admin)
        score_all(tender, landlord_admin)
        reasons = "Offre la moins chère : la concurrente proposait 11,23 € HT, SECRET-B2."
        post(landlord_admin, "tender_award", tender.pk, {"reasons": reasons})
        awarded = package()
        assert shows(awarded, Bid.objects.get(pk=winner.pk))
        assert not shows(awarded, first) and not shows(awarded, loser)
        assert reasons not in json.dumps(awarded, ensure_ascii=False)
        assert "SECRET-A" not in json.dumps(awarded)  # even the winner's commitments stay between the parties

        contract = Contract.objects.get()
        today = timezone.localdate().isoformat()
        post(operator_admin, "contract_operator_sign", contract.pk, {"signed_on": today})
        document = SimpleUploadedFile("marche.pdf", b"%PDF-1.4 signe", content_type="application/pdf")
        post(landlord_admin, "contract_sign", contract.pk, {"signed_on": today, "document": document})
        post(landlord_admin, "contract_terminate", contract.pk, {"on": today, "reason": "Résiliation amiable."})

    final = package()
    assert tags() == ["tender", "tenderAmendment", "tenderUpdate", "award", "contract", "contractTermination"]
    assert [r["contracts"][0]["status"] for r in final["releases"][3:]] == ["pending", "active", "terminated"]
    assert not shows(final, first) and not shows(final, loser)
    assert validation_errors(final) == []
