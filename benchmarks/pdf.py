"""Render time of the charter's PDFs: `python -m benchmarks.pdf [runs]`.

Builds a realistic charter (preamble and 12 articles) and a signature in memory, without any
database, and prints the time WeasyPrint takes for the signature certificate and for the charter
itself: the first render (cold: WeasyPrint import, fonts) and the median of the next runs.
"""

import datetime
import os
import statistics
import sys
import time


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()


def sample():
    from django.utils import timezone

    from accounts.models import Organization
    from charter.models import Charter, Signature
    from leases.models import Qpv

    city = Organization(pk=1, kind="city", name="Grand Poitiers Communauté urbaine", siren="200069854")
    landlord = Organization(pk=2, kind="landlord", name="Habitat du Clain", siren="501234561")
    paragraph = (
        "Chaque signataire s'engage, dans les quartiers prioritaires couverts, à ce que l'accès à internet soit "
        "assuré dans chaque logement social, à un coût maîtrisé pour le locataire, et à rendre compte chaque année "
        "de l'avancement de ses engagements à partir des données réelles de son parc. "
    )
    charter = Charter(
        pk=1,
        city=city,
        number=2,
        preamble=paragraph * 3,
        articles=[{"heading": f"Article de référence {n}", "body": paragraph * 3} for n in range(1, 13)],
        effective_date=datetime.date(2026, 1, 1),
        state=Charter.State.OPEN,
    )
    charter.fingerprint = charter.compute_fingerprint()
    signature = Signature(
        pk=1,
        charter=charter,
        organization=landlord,
        state=Signature.State.SIGNED,
        invited_at=timezone.now(),
        signed_at=timezone.now(),
        signatory_name="Camille Bailleur",
        signatory_function="Directrice générale",
        fingerprint=charter.fingerprint,
    )
    qpvs = [Qpv(code=f"QN0860{n}M", name=name) for n, name in [(3, "Bel Air"), (4, "Trois Cités"), (5, "Couronneries")]]
    return charter, signature, qpvs


def timed(render, runs):
    start = time.perf_counter()
    size = len(render())
    first = time.perf_counter() - start
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render()
        times.append(time.perf_counter() - start)
    return first, statistics.median(times), size


def main(runs=7):
    setup()
    from django.conf import settings

    from accounts.pdf import render_pdf

    charter, signature, qpvs = sample()
    common = {"charter": charter, "qpvs": qpvs, "site_url": settings.SITE_URL}
    documents = [
        (
            "attestation de signature",
            lambda: render_pdf(
                "charter/pdf/certificate.html", {**common, "signature": signature, "text": charter.canonical_text()}
            ),
        ),
        ("charte (12 articles)", lambda: render_pdf("charter/pdf/charter.html", common)),
    ]
    print(
        f"Rendu PDF WeasyPrint, médiane de {runs} rendus ; le tout premier rendu inclut le chargement de WeasyPrint :"
    )
    for label, render in documents:
        first, median, size = timed(render, runs)
        figures = f"premier : {first * 1000:7.0f} ms   médiane : {median * 1000:6.0f} ms   ({size / 1024:.0f} Kio)"
        print(f"  {label:<26} {figures}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
