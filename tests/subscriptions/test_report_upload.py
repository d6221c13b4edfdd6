import datetime
import html

import pytest
import time_machine
from django.urls import reverse

from leases.models import EquipmentEvent, EquipmentStatus, EventSource, Lodging
from subscriptions.models import OperatorReport, Subscription, SubscriptionEvent
from subscriptions.rollout import start_rollout
from tests.subscriptions.factories import REPORT_HEADER, report_file

from .cast import OPERATOR_ACTS


@pytest.fixture(autouse=True)
def june_2025():
    with time_machine.travel(datetime.datetime(2025, 6, 16, 9, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def rolled_out(contract):
    start_rollout(contract=contract, by=None, on=datetime.date(2025, 2, 1))
    return contract


def url(contract):
    return reverse("subscriptions:report_upload", args=[contract.pk])


def ids(dwellings):
    return [d.rpls_id for d in dwellings]


def upload(client, contract, rows, name="rapport.csv"):
    return client.post(url(contract), {"file": report_file([REPORT_HEADER, *rows], name)})


def text(response):
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(("who", "status"), OPERATOR_ACTS.items())
def test_who_may_upload_a_report(client_of, cast, rolled_out, tilleuls_dwellings, who, status):
    rows = [[tilleuls_dwellings[0].rpls_id, "actif", "10/06/2025", "", ""]]
    assert upload(client_of(cast[who]), rolled_out, rows).status_code == status
    assert OperatorReport.objects.exists() == (status == 302)


def test_the_operator_sees_the_form(client_of, cast, rolled_out):
    response = client_of(cast["operator_admin"]).get(url(rolled_out))
    assert "Déposer un rapport d'opérateur" in text(response)


@pytest.mark.parametrize("name", ["rapport.csv", "rapport.xlsx"])
def test_a_report_moves_the_statuses_and_records_the_boxes(client_of, cast, rolled_out, tilleuls_dwellings, name):
    a, b, c, d = ids(tilleuls_dwellings)
    rows = [
        [a, "installé", "03/06/2025", "BOX-001", ""],
        [b, "Actif", "2025-06-05", "BOX-002", ""],
        [c, "actif", "05/06/2025", "", ""],
    ]
    response = upload(client_of(cast["operator_admin"]), rolled_out, rows, name)
    report = OperatorReport.objects.get()
    assert response["Location"] == report.get_absolute_url()
    assert (report.line_count, report.changed_count, report.unchanged_count, report.equipped_count) == (3, 3, 0, 3)
    statuses = dict(Subscription.objects.values_list("lodging__rpls_id", "status"))
    assert statuses == {a: "installed", b: "active", c: "active", d: "planned"}
    assert Subscription.objects.get(lodging__rpls_id=a).box_serial == "BOX-001"
    boxes = EquipmentEvent.objects.filter(source=EventSource.OPERATOR, status=EquipmentStatus.BOX)
    assert boxes.count() == 3
    assert dict(Lodging.objects.values_list("rpls_id", "equipment_status"))[a] == EquipmentStatus.BOX
    event = SubscriptionEvent.objects.get(report=report, subscription__lodging__rpls_id=a)
    assert (event.line, event.recorded_by, event.effective_date) == (
        2,
        cast["operator_admin"],
        datetime.date(2025, 6, 3),
    )


def test_one_wrong_line_and_nothing_is_written(client_of, cast, rolled_out, tilleuls_dwellings):
    a, b, *_ = ids(tilleuls_dwellings)
    rows = [[a, "actif", "05/06/2025", "", ""], [b, "branché", "31/02/2025", "", ""]]
    page = text(upload(client_of(cast["operator_admin"]), rolled_out, rows))
    assert "Rapport refusé : 2 erreurs. Rien n'a été enregistré." in page
    assert "statut inconnu (installé, actif, suspendu ou résilié)" in page
    assert "date attendue (jj/mm/aaaa)" in page
    assert not OperatorReport.objects.exists()
    assert set(Subscription.objects.values_list("status", flat=True)) == {"planned"}
    assert not EquipmentEvent.objects.exists()


def test_an_operator_cannot_report_on_another_operators_dwellings(
    client_of, cast, rolled_out, rival_contract, tilleuls_dwellings
):
    start_rollout(contract=rival_contract, by=None)
    rival = Subscription.objects.filter(contract=rival_contract).first().lodging.rpls_id
    rows = [[tilleuls_dwellings[0].rpls_id, "actif", "05/06/2025", "", ""], [rival, "actif", "05/06/2025", "", ""]]
    page = text(upload(client_of(cast["operator_admin"]), rolled_out, rows))
    assert "ce logement n'est pas dans le périmètre de votre marché" in page
    assert not Subscription.objects.filter(status="active").exists()


def test_an_unknown_dwelling_gets_the_same_words(client_of, cast, rolled_out):
    page = text(upload(client_of(cast["operator_admin"]), rolled_out, [["9999999999", "actif", "05/06/2025", "", ""]]))
    assert "ce logement n'est pas dans le périmètre de votre marché" in page


def test_the_rules_of_the_lifecycle_apply(client_of, cast, rolled_out, tilleuls_dwellings):
    a, b, c, d = ids(tilleuls_dwellings)
    rows = [
        [a, "suspendu", "05/06/2025", "", "impayé"],  # planned -> suspended: no
        [b, "actif", "20/06/2025", "", ""],  # in the future
        [c, "actif", "15/01/2025", "", ""],  # before the planned status (1 February)
        [d, "suspendu", "05/06/2025", "", ""],  # no reason
        [d, "actif", "05/06/2025", "", ""],  # twice
    ]
    page = text(upload(client_of(cast["operator_admin"]), rolled_out, rows))
    assert "passage impossible de « Prévu » à « Suspendu »" in page
    assert "la date d'effet ne peut pas être dans le futur" in page
    assert "la date d'effet précède celle du statut actuel (01/02/2025)" in page
    assert "motif obligatoire pour une suspension" in page
    assert "ce logement figure déjà ligne 5" in page
    assert not OperatorReport.objects.exists()


def test_a_line_with_the_current_status_is_unchanged(client_of, cast, rolled_out, tilleuls_dwellings):
    a, b, *_ = ids(tilleuls_dwellings)
    client = client_of(cast["operator_admin"])
    upload(client, rolled_out, [[a, "actif", "05/06/2025", "", ""]])
    upload(client, rolled_out, [[a, "actif", "05/06/2025", "", ""], [b, "installé", "06/06/2025", "", ""]])
    second = OperatorReport.objects.order_by("uploaded_at", "pk").last()
    assert (second.changed_count, second.unchanged_count) == (1, 1)
    assert SubscriptionEvent.objects.filter(subscription__lodging__rpls_id=a).count() == 2


def test_a_missing_column_refuses_the_file(client_of, cast, rolled_out, tilleuls_dwellings):
    file = report_file([["IDENT_REP", "STATUT"], [tilleuls_dwellings[0].rpls_id, "actif"]])
    page = text(client_of(cast["operator_admin"]).post(url(rolled_out), {"file": file}))
    assert "Colonne obligatoire absente : DATE_EFFET." in page


def test_an_ended_contract_takes_no_report(client_of, cast, rolled_out, tilleuls_dwellings):
    from operators.models import Contract

    Contract.objects.filter(pk=rolled_out.pk).update(state="terminated")
    response = client_of(cast["operator_admin"]).post(
        url(rolled_out),
        {"file": report_file([REPORT_HEADER, [tilleuls_dwellings[0].rpls_id, "actif", "05/06/2025", "", ""]])},
        follow=True,
    )
    assert "Ce marché n'est pas en cours" in text(response)
    assert not OperatorReport.objects.exists()
