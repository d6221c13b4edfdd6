import pytest
from django.urls import reverse

from .cast import SEES

# A report is the contract parties' business: city and State staff follow the funnel instead.
REPORT_SEES = {**SEES, "city_admin": 404, "city_member": 404, "state_user": 404}


def url(report):
    return reverse("subscriptions:report_detail", args=[report.pk])


@pytest.mark.parametrize(("who", "status"), REPORT_SEES.items())
def test_who_sees_a_report(client_of, cast, report, who, status):
    assert client_of(cast[who]).get(url(report)).status_code == status


def test_the_landlord_sees_what_it_changed_and_may_contest(client_of, cast, report, tilleuls_dwellings):
    page = client_of(cast["landlord_member"]).get(url(report)).content.decode()
    assert tilleuls_dwellings[0].rpls_id in page
    assert "BOX-1" in page
    assert "Contester" in page


def test_the_operator_may_not_contest(client_of, cast, report):
    assert "Contester" not in client_of(cast["operator_admin"]).get(url(report)).content.decode()


def test_constant_queries_whatever_the_number_of_lines(
    client_of, cast, contract, tilleuls, operator_admin, django_assert_max_num_queries
):
    import datetime

    from subscriptions.models import OperatorReport
    from subscriptions.reports import apply_report
    from subscriptions.rollout import start_rollout
    from tests.subscriptions import factories

    def report_of(count):
        dwellings = factories.dwellings(tilleuls, count)
        start_rollout(contract=contract, by=None, on=datetime.date(2025, 2, 1))
        rows = [[d.rpls_id, "actif", "10/06/2025", "", ""] for d in dwellings]
        upload = factories.report_file([factories.REPORT_HEADER, *rows])
        assert apply_report(contract=contract, upload=upload, file_name="r.csv", by=operator_admin).ok
        return OperatorReport.objects.order_by("-pk").first()

    client = client_of(cast["landlord_admin"])
    small_report = report_of(2)
    client.get(url(small_report))
    with django_assert_max_num_queries(30) as small:
        client.get(url(small_report))
    large_report = report_of(25)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url(large_report))
