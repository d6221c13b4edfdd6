import datetime

import pytest
from django.urls import reverse

from tests.tfpb.pages import text
from tfpb.models import Convention, ConventionParty


def url(convention):
    return reverse("tfpb:convention_edit", args=[convention.pk])


def data(convention, city, state, *qpvs, **extra):
    return {
        "version": convention.version,
        "reference": "Convention modifiée",
        "start_year": "2025",
        "end_year": "2030",
        "qpvs": [q.pk for q in qpvs],
        "epci": city.pk,
        "state": state.pk,
        "report_due_day": "31",
        "report_due_month": "3",
        **extra,
    }


def test_landlord_admin_edits_a_draft_nobody_signed(
    client_of, cast, draft_convention, city, state, trois_cites, bel_air
):
    response = client_of(cast["landlord_admin"]).post(
        url(draft_convention), data(draft_convention, city, state, trois_cites, bel_air)
    )
    assert response.status_code == 302
    convention = Convention.objects.get(pk=draft_convention.pk)
    assert convention.reference == "Convention modifiée"
    assert convention.report_due_date(2025) == datetime.date(2026, 3, 31)
    assert convention.qpvs.count() == 2
    assert not convention.parties.get(organization=state).reviews_reports  # box left unticked
    assert convention.version == draft_convention.version + 1


def test_the_form_shows_the_current_content(client_of, cast, draft_convention):
    text = client_of(cast["landlord_admin"]).get(url(draft_convention)).text
    assert 'value="Convention de test"' in text


def test_a_stale_form_does_not_overwrite(client_of, cast, draft_convention, city, state, trois_cites):
    client = client_of(cast["landlord_admin"])
    client.post(url(draft_convention), data(draft_convention, city, state, trois_cites, reference="Premier"))
    response = client.post(
        url(draft_convention), data(draft_convention, city, state, trois_cites, reference="Second"), follow=True
    )
    assert "Vos changements n'ont pas été enregistrés" in text(response)
    assert Convention.objects.get(pk=draft_convention.pk).reference == "Premier"


def test_no_change_once_a_party_signed(client_of, cast, draft_convention, city, state, trois_cites):
    ConventionParty.objects.filter(convention=draft_convention, organization=state).update(
        signed_on=datetime.date(2025, 3, 1)
    )
    response = client_of(cast["landlord_admin"]).post(
        url(draft_convention), data(draft_convention, city, state, trois_cites), follow=True
    )
    assert "Une partie a déjà signé" in text(response)
    assert Convention.objects.get(pk=draft_convention.pk).reference == "Convention de test"


@pytest.mark.parametrize(("who", "status"), [("landlord_viewer", 403), ("city_admin", 403), ("landlord2_admin", 404)])
def test_others_cannot_edit(client_of, cast, draft_convention, who, status):
    assert client_of(cast[who]).get(url(draft_convention)).status_code == status
