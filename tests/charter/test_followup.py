import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Enrolment, Organization
from charter.models import Commitment, CommitmentKind, Signature
from leases.models import EquipmentStatus
from tests.factories import OrganizationFactory

from .factories import commit, invite, make_dwellings, sign


def url(charter):
    return reverse("charter:charter_followup", args=[charter.pk])


@pytest.fixture
def landlord_late(charter, landlord2, landlord2_admin, city_admin, bel_air):
    """Logis de la Vienne: signed, 100 % of Bel Air by next year, 1 dwelling of 4 equipped: late."""
    make_dwellings(landlord2, bel_air, 4, equipped=1)
    signature = sign(invite(charter, landlord2, by=city_admin), landlord2_admin)
    commit(
        signature,
        "equipped_share",
        qpv=bel_air,
        target_value=Decimal(100),
        due_date=datetime.date.today() + datetime.timedelta(days=30),
    )
    Commitment.objects.filter(signature=signature).update(
        starts_on=datetime.date.today() - datetime.timedelta(days=300), baseline_value=0
    )
    return signature


def test_city_staff_see_organisations_status_and_progress(
    client_of, cast, signed, stock, trois_cites, landlord_late, operator, city_admin
):
    commit(signed, "equipped_share", qpv=trois_cites, target_value=Decimal(20), due_date=datetime.date(2030, 1, 1))
    invite(signed.charter, operator, by=city_admin)
    response = client_of(cast["city_member"]).get(url(signed.charter))
    assert response.status_code == 200
    text = response.text
    assert "Habitat du Clain" in text and "Logis de la Vienne" in text and "FibreCité" in text
    assert "Atteint" in text and "En retard" in text
    assert "Aucun engagement" in text  # FibreCité, only invited
    assert 'class="progress" aria-hidden="true"' in text  # the bar is decoration; the value is text
    assert "25 %" in text and "attendu aujourd" in text


def test_progress_moves_when_dwellings_are_equipped(client_of, cast, signed, stock, trois_cites):
    commit(signed, "equipped_share", qpv=trois_cites, target_value=Decimal(100), due_date=datetime.date(2030, 1, 1))
    client = client_of(cast["city_admin"])
    assert "2 logements équipés d&#x27;une box sur 10" in client.get(url(signed.charter)).text
    for lodging in stock[2:5]:
        lodging.record_equipment(status=EquipmentStatus.BOX, effective_date=datetime.date.today(), by=None)
    assert "5 logements équipés d&#x27;une box sur 10" in client.get(url(signed.charter)).text


def test_filters_by_qpv_and_kind(client_of, cast, signed, trois_cites, landlord_late, bel_air):
    commit(signed, "equipped_share", qpv=trois_cites, target_value=Decimal(100))
    commit(signed, "tenant_charge_ceiling", target_value=Decimal(3))
    client = client_of(cast["city_admin"])
    by_qpv = client.get(url(signed.charter), {"qpv": bel_air.pk}).text
    assert "Logis de la Vienne" in by_qpv and "Habitat du Clain" not in by_qpv
    ceiling = CommitmentKind.objects.get(code="tenant_charge_ceiling")
    by_kind = client.get(url(signed.charter), {"kind": ceiling.pk}).text
    assert "Habitat du Clain" in by_kind and "Logis de la Vienne" not in by_kind
    assert "Part des logements" not in by_kind.split("<tbody>")[1]


def test_export_has_the_same_rows(client_of, cast, signed, stock, trois_cites, landlord_late):
    commit(signed, "equipped_share", qpv=trois_cites, target_value=Decimal(100), due_date=datetime.date(2030, 1, 1))
    response = client_of(cast["city_admin"]).get(reverse("charter:charter_export", args=[signed.charter.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:4] == ("Organisation", "SIREN", "Type", "Adhésion")
    header = rows[0]
    by_org = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    clain, vienne = by_org["Habitat du Clain"], by_org["Logis de la Vienne"]
    assert (clain["Cible"], clain["Unité"], clain["Valeur actuelle"]) == (100, "%", 20)
    assert (clain["Valeur à l'entrée en vigueur"], clain["Statut"]) == (20, "En bonne voie")
    assert (vienne["Valeur actuelle"], vienne["Statut"]) == (25, "En retard")
    assert vienne["Attendu aujourd'hui (trajectoire)"] > 90


@pytest.mark.parametrize("who, status", [("landlord_admin", 403), ("outsider", 404), ("landlord2_admin", 404)])
def test_others_cannot_see_the_table(client_of, cast, signed, who, status):
    assert client_of(cast[who]).get(url(signed.charter)).status_code == status
    assert client_of(cast[who]).get(reverse("charter:charter_export", args=[signed.charter.pk])).status_code == status


@pytest.mark.parametrize("size", [3, 30])
def test_constant_number_of_queries(
    client_of, cast, charter, city, city_admin, trois_cites, size, django_assert_max_num_queries
):

    landlords = Organization.objects.bulk_create(
        OrganizationFactory.build(landlord=True, name=f"Bailleur {i:02d}") for i in range(size)
    )
    Enrolment.objects.bulk_create(Enrolment(organization=o, enrolled_by=city) for o in landlords)
    signatures = Signature.objects.bulk_create(
        Signature(charter=charter, organization=o, invited_by=city_admin) for o in landlords
    )
    share, ceiling = CommitmentKind.objects.get(code="equipped_share"), CommitmentKind.objects.get(code="legal_basis")
    Commitment.objects.bulk_create(
        c
        for s in signatures
        for c in (
            Commitment(signature=s, kind=share, qpv=trois_cites, target_value=100, due_date=datetime.date(2028, 1, 1)),
            Commitment(
                signature=s, kind=ceiling, target_choice="individual_opt_in", due_date=datetime.date(2028, 1, 1)
            ),
        )
    )
    client = client_of(cast["city_admin"])
    with django_assert_max_num_queries(10):
        response = client.get(url(charter))
    assert response.status_code == 200
    assert response.text.count("Proposé, pas encore en vigueur") == min(2 * size, 50)  # 50 rows a page
