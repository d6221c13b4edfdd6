from django.urls import reverse


def test_anyone_reads_a_published_charter_without_logging_in(client, charter, signed):
    response = client.get(reverse("charter:charter_public", args=[charter.pk]))
    assert response.status_code == 200
    text = response.text
    assert "La connexion internet, un droit pour tous" in text
    assert "Article 2 — Suivi" in text
    assert charter.fingerprint in text
    assert "Habitat du Clain" in text  # a signatory
    assert "Historique" not in text and "Alice" not in text  # no one's name on the public page


def test_a_draft_is_not_public(client, client_of, cast, draft):
    assert client.get(reverse("charter:charter_public", args=[draft.pk])).status_code == 404
    assert client_of(cast["city_admin"]).get(reverse("charter:charter_public", args=[draft.pk])).status_code == 404
    assert client.get(reverse("charter:charter_pdf", args=[draft.pk])).status_code == 404


def test_invited_but_unsigned_organisations_are_not_listed(client, charter, invitation):
    text = client.get(reverse("charter:charter_public", args=[charter.pk])).text
    assert "Habitat du Clain" not in text
    assert "Aucune organisation n&#x27;a encore signé" in text or "Aucune organisation n'a encore signé" in text


def test_anyone_downloads_the_charter_as_pdf(client, charter):
    response = client.get(reverse("charter:charter_pdf", args=[charter.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "charte-grand-poitiers-v1.pdf" in response["Content-Disposition"]
