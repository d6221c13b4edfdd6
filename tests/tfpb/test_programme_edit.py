from decimal import Decimal

import pytest
from django.urls import reverse

from leases.models import Lodging
from tests.tfpb import factories
from tests.tfpb.pages import text
from tfpb.models import Programme, ReportState


def url(programme):
    return reverse("tfpb:programme_edit", args=[programme.pk])


@pytest.fixture
def programme(convention):
    return factories.report(convention, complete=False).programmes.get(qpv__code="QN08604M")


def test_landlord_member_enters_the_abatement_as_written_on_the_tax_notice(client_of, cast, programme, landlord):
    Lodging.objects.filter(landlord=landlord, qpv=programme.qpv).update(exit_reason="")  # the sold ones are back
    response = client_of(cast["landlord_member"]).post(
        url(programme), {"abatement_amount": "41 812,50 €", "version": programme.version}
    )
    assert response.status_code == 302
    programme = Programme.objects.get(pk=programme.pk)
    assert programme.abatement_amount == Decimal("41812.50")
    assert programme.dwellings_count == 14  # recounted from the stock


def test_a_bad_amount_is_explained(client_of, cast, programme):
    response = client_of(cast["landlord_member"]).post(
        url(programme), {"abatement_amount": "beaucoup", "version": programme.version}
    )
    assert "Saisissez un nombre." in text(response)
    response = client_of(cast["landlord_member"]).post(
        url(programme), {"abatement_amount": "-5", "version": programme.version}
    )
    assert response.status_code == 200
    assert Programme.objects.get(pk=programme.pk).abatement_amount is None


def test_a_stale_form_does_not_overwrite(client_of, cast, programme):
    client = client_of(cast["landlord_member"])
    client.post(url(programme), {"abatement_amount": "1000", "version": programme.version})
    response = client.post(url(programme), {"abatement_amount": "2000", "version": programme.version}, follow=True)
    assert "Vos changements n'ont pas été enregistrés" in text(response)
    assert Programme.objects.get(pk=programme.pk).abatement_amount == Decimal("1000")


def test_a_submitted_report_is_frozen(client_of, cast, convention):
    report = factories.report(convention, status=ReportState.SUBMITTED)
    programme = report.programmes.first()
    response = client_of(cast["landlord_admin"]).post(
        url(programme), {"abatement_amount": "1", "version": programme.version}, follow=True
    )
    assert "Ce bilan a été transmis : il ne peut plus être modifié" in text(response)
    assert Programme.objects.get(pk=programme.pk).abatement_amount == Decimal("20000")


@pytest.mark.parametrize(
    ("who", "status"), [("landlord_viewer", 403), ("city_admin", 403), ("landlord2_admin", 404), ("outsider", 404)]
)
def test_others_cannot_enter_it(client_of, cast, programme, who, status):
    response = client_of(cast[who]).post(url(programme), {"abatement_amount": "1", "version": programme.version})
    assert response.status_code == status
    assert Programme.objects.get(pk=programme.pk).abatement_amount is None
