import pytest
from django.urls import reverse


def url(charter):
    return reverse("charter:charter_detail", args=[charter.pk])


def test_city_staff_see_a_draft_with_what_blocks_publication(client_of, cast, draft):
    from charter.models import Charter

    Charter.objects.filter(pk=draft.pk).update(effective_date=None)
    text = client_of(cast["city_admin"]).get(url(draft)).text
    assert "Brouillon" in text and "Modifier le brouillon" in text
    assert "Indiquez la date d&#x27;entrée en vigueur." in text
    assert "Publier la charte" in text
    assert "Historique" in text


def test_city_member_sees_no_publish_button(client_of, cast, draft):
    text = client_of(cast["city_member"]).get(url(draft)).text
    assert "Modifier le brouillon" in text and "Publier la charte" not in text


def test_text_is_escaped_never_interpreted(client_of, cast, draft):
    from charter.models import Charter

    Charter.objects.filter(pk=draft.pk).update(
        preamble='<script>alert("x")</script>', articles=[{"heading": "<b>Gras</b>", "body": "<i>x</i>"}]
    )
    text = client_of(cast["city_admin"]).get(url(draft)).text
    assert "<script>alert" not in text and "&lt;script&gt;alert" in text
    assert "<b>Gras</b>" not in text and "&lt;b&gt;Gras&lt;/b&gt;" in text


def test_open_charter_for_city_staff(client_of, cast, charter, invitation):
    text = client_of(cast["city_admin"]).get(url(charter)).text
    assert "Suivi des adhésions et des engagements" in text
    assert "Clore les signatures" in text
    assert "Préparer une nouvelle version" in text
    assert "Invitée : <strong>1</strong>" in text
    assert charter.fingerprint in text


def test_invited_organisation_sees_the_charter_and_its_adhesion(client_of, cast, charter, invitation):
    text = client_of(cast["landlord_viewer"]).get(url(charter)).text
    assert "Adhésion de Habitat du Clain" in text
    assert "Clore les signatures" not in text and "Inviter" not in text


@pytest.mark.parametrize("who", ["landlord2_admin", "operator_admin", "state_user", "outsider"])
def test_others_get_404_and_read_the_public_page_instead(client_of, cast, charter, invitation, who):
    assert client_of(cast[who]).get(url(charter)).status_code == 404
