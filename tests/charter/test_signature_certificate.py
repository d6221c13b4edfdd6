import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from charter.pdf import certificate_pdf


def url(signature):
    return reverse("charter:signature_certificate", args=[signature.pk])


def test_certificate_holds_text_signatory_date_and_fingerprint(signed):
    charter = signed.charter
    html = render_to_string(
        "charter/pdf/certificate.html",
        {"signature": signed, "charter": charter, "qpvs": [], "text": charter.canonical_text(), "site_url": ""},
    )
    assert signed.fingerprint in html
    assert "Alice Bailleur, Directrice" in html
    assert f"{signed.signed_at.astimezone().date():%d/%m/%Y}" in html
    assert "Chaque logement social des quartiers couverts" in html


def test_landlord_member_downloads_the_certificate(client_of, cast, signed):
    response = client_of(cast["landlord_member"]).get(url(signed))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attestation-habitat-du-clain-charte-v1.pdf" in response["Content-Disposition"]


def test_city_staff_download_it_too(client_of, cast, signed):
    assert client_of(cast["city_member"]).get(url(signed)).status_code == 200


def test_no_certificate_before_signing(client_of, cast, invitation):
    assert client_of(cast["landlord_admin"]).get(url(invitation)).status_code == 404


@pytest.mark.parametrize("who", ["landlord2_admin", "outsider"])
def test_strangers_get_404(client_of, cast, signed, who):
    assert client_of(cast[who]).get(url(signed)).status_code == 404


def test_certificate_escapes_the_text(signed):
    from charter.models import Charter

    Charter.objects.filter(pk=signed.charter_id).update(state="draft")  # only to plant a hostile text
    Charter.objects.filter(pk=signed.charter_id).update(preamble="<script>alert(1)</script>")
    signed.charter.refresh_from_db()
    assert b"%PDF" in certificate_pdf(signed)[:8]
    html = render_to_string(
        "charter/pdf/certificate.html",
        {
            "signature": signed,
            "charter": signed.charter,
            "qpvs": [],
            "text": signed.charter.canonical_text(),
            "site_url": "",
        },
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
