import pytest
from django.urls import reverse

from tests.tfpb.pages import text


def url(report):
    return reverse("tfpb:report_pdf", args=[report.pk])


def test_the_steering_committee_gets_a_pdf(client_of, cast, report):
    response = client_of(cast["city_admin"]).get(url(report))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_pdf_shows_programmes_actions_and_opinions(cast, report, landlord_admin, city_admin):
    from django.template.loader import render_to_string

    from tfpb.exports import report_context

    report.submit(by=landlord_admin)
    report.save()
    report.send_back(by=city_admin, comment="Précisez les indicateurs.")
    report.save()
    html = render_to_string("tfpb/pdf/report.html", report_context(report))
    assert "Trois Cités (QN08604M) — actions 2025" in html
    assert "Animation QN08604M" in html
    assert "Précisez les indicateurs." in html
    assert "font-family: &quot;DejaVu Sans&quot;" not in html  # the CSS is not escaped
    assert '@bottom-right { content: "page " counter(page)' in html


@pytest.mark.parametrize("who", ["landlord2_admin", "outsider"])
def test_strangers_get_404(client_of, cast, report, who):
    response = client_of(cast[who]).get(url(report))
    assert response.status_code == 404
    assert "%PDF" not in text(response)
