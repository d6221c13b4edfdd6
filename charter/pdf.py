"""The charter and the signature certificate as PDF documents (WeasyPrint via accounts.pdf)."""

from django.conf import settings

from accounts.pdf import render_pdf


def charter_pdf(charter) -> bytes:
    return render_pdf(
        "charter/pdf/charter.html",
        {"charter": charter, "qpvs": list(charter.qpvs.all()), "site_url": settings.SITE_URL},
    )


def certificate_pdf(signature) -> bytes:
    charter = signature.charter
    return render_pdf(
        "charter/pdf/certificate.html",
        {
            "signature": signature,
            "charter": charter,
            "qpvs": list(charter.qpvs.all()),
            "text": charter.canonical_text(),
            "site_url": settings.SITE_URL,
        },
    )
