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
