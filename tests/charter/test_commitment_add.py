import datetime
from decimal import Decimal

from django.urls import reverse

from charter.models import Commitment


def url(signature, kind=""):
    return reverse("charter:commitment_add", args=[signature.pk]) + (f"?kind={kind}" if kind else "")


def test_landlord_admin_chooses_a_kind_then_sets_a_proposal(client_of, cast, invitation, trois_cites, brest_qpv):
    client = client_of(cast["landlord_admin"])
    kinds_page = client.get(url(invitation))
    assert "Part des logements d&#x27;un quartier prioritaire équipés d&#x27;une box" in kinds_page.text
    assert "Débit minimal garanti" not in kinds_page.text  # an operator's kind
    form = client.get(url(invitation, "equipped_share"))
    assert "Trois Cités" in form.text and "Bellevue" not in form.text
    response = client.post(
        url(invitation),
        {"kind": "equipped_share", "qpv": trois_cites.pk, "target_value": "100", "due_date": "2027-12-31"},
        follow=True,
    )
    assert "il entrera en vigueur à la signature" in response.text
    commitment = Commitment.objects.get()
    assert (commitment.qpv, commitment.target_value, commitment.due_date) == (
        trois_cites,
        Decimal(100),
        datetime.date(2027, 12, 31),
    )
    assert not commitment.in_force


def test_a_commitment_added_after_signing_is_in_force_with_its_value_of_the_day(
    client_of, cast, signed, stock, trois_cites
):
    client_of(cast["landlord_admin"]).post(
        url(signed), {"kind": "equipped_share", "qpv": trois_cites.pk, "target_value": "100", "due_date": "2028-12-31"}
    )
    commitment = Commitment.objects.get()
    assert commitment.starts_on == datetime.date.today()
    assert commitment.baseline_value == Decimal(20)


def test_bad_values_are_explained(client_of, cast, invitation, trois_cites):
    client = client_of(cast["landlord_admin"])
    response = client.post(
        url(invitation),
        {"kind": "equipped_share", "qpv": trois_cites.pk, "target_value": "120", "due_date": "2025-01-01"},
    )
    assert "inférieure ou égale à 100" in response.text
    assert "échéance suit l&#x27;entrée en vigueur de la charte (01/01/2026)" in response.text
    assert not Commitment.objects.exists()


def test_legal_basis_is_chosen_per_residence(client_of, cast, invitation, landlord, trois_cites):
    from .factories import make_dwellings

    residence, _ = make_dwellings(landlord, trois_cites, 1, name="Les Tilleuls")
    client = client_of(cast["landlord_admin"])
    data = {
        "kind": "legal_basis",
        "residence": residence.pk,
        "target_choice": "individual_opt_in",
        "due_date": "2027-06-30",
    }
    client.post(url(invitation), data)
    response = client.post(url(invitation), data)
    assert "déjà un engagement de ce type sur ce périmètre" in response.text
    assert Commitment.objects.get().target_text == "Adhésion individuelle de chaque locataire au 30/06/2027"


def test_operator_admin_sets_its_own_kinds(client_of, cast, charter, operator, city_admin):
    from .factories import invite

    signature = invite(charter, operator, by=city_admin)
    client_of(cast["operator_admin"]).post(
        url(signature), {"kind": "minimum_speed", "target_value": "300", "due_date": "2027-01-01"}
    )
    assert Commitment.objects.get().target_text == "au moins 300 Mbit/s au 01/01/2027"
    response = client_of(cast["operator_admin"]).get(url(signature, "equipped_share"))
    assert "Débit minimal garanti" in response.text  # a landlord's kind is not offered: back to the list


def test_wrong_role_stranger_and_wrong_state(client_of, cast, invitation, signed, trois_cites):
    data = {"kind": "equipped_share", "qpv": trois_cites.pk, "target_value": "100", "due_date": "2027-12-31"}
    assert client_of(cast["landlord_member"]).post(url(signed), data).status_code == 403
    assert client_of(cast["city_admin"]).post(url(signed), data).status_code == 403
    assert client_of(cast["landlord2_admin"]).post(url(signed), data).status_code == 404
    signed.withdraw(by=cast["landlord_admin"], reason="Test")
    signed.save()
    response = client_of(cast["landlord_admin"]).post(url(signed), data, follow=True)
    assert "ne peut plus recevoir" in response.text
    assert not Commitment.objects.exists()
