"""The whole story of a tender, in a browser (issue 5, "Done when").

A landlord publishes a formal tender; an operator asks a question and gets the answer; two
operators bid, one replaces its bid; the deadline passes (time-machine moves the clock of this
process, hence of live_server's thread too: everyone logs in again); the landlord opens, scores,
awards; the loser sees its letter; the contract is signed after the 11-day standstill.
"""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from operators.models import Bid, Contract, Tender, ensure_rules_seeded
from tests.browser.conftest import log_in, log_out, serious_accessibility_violations
from tests.operators.factories import make_tender


@pytest.fixture
def formal_tender(landlord, landlord_admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_rules_seeded()  # a previous transactional test may have flushed migration data
    tender = make_tender(
        landlord,
        title="Internet dans les charges aux Trois Cités",
        estimated_value_ht=Decimal("300000.00"),
        notice_boamp_reference="26-004242",
        notice_sent_at=timezone.now() - datetime.timedelta(hours=1),
    )
    return tender


def no_violations(page):
    assert serious_accessibility_violations(page) == [], page.url


def fill_bid(page, price, commitments):
    page.get_by_label("Prix par logement et par mois (HT)").fill(price)
    page.get_by_label("Débit descendant (Mbit/s)").fill("1000")
    page.get_by_label("Débit montant (Mbit/s)").fill("500")
    page.get_by_label("Engagements (accompagnement, qualité de service, social)").fill(commitments)
    page.get_by_role("button", name="Enregistrer le brouillon").click()


def test_whole_tender_story(page, formal_tender, landlord_admin, operator_admin, operator2_admin, operator, operator2):
    tender_url = f"/appels-d-offres/{formal_tender.pk}/"

    # The landlord publishes.
    log_in(page, landlord_admin.email)
    page.goto(tender_url)
    page.get_by_role("button", name="Publier", exact=True).click()
    assert "Appel d'offres publié" in page.content()
    assert "Appel d'offres ouvert (procédure formalisée)" in page.content()
    no_violations(page)
    log_out(page)

    # An operator asks a question; the landlord answers; the operator reads the answer.
    log_in(page, operator_admin.email)
    page.goto(tender_url + "questions/")
    page.get_by_label("Votre question").fill("Les logements vacants sont-ils dans le périmètre ?")
    page.get_by_role("button", name="Envoyer la question").click()
    assert "Question envoyée" in page.content()
    log_out(page)
    log_in(page, landlord_admin.email)
    page.goto(tender_url + "questions/")
    page.get_by_role("link", name="Répondre").click()
    page.get_by_label("Réponse (publiée à tous les opérateurs").fill("Oui : tous les logements du périmètre.")
    page.get_by_role("button", name="Publier la réponse").click()
    log_out(page)
    log_in(page, operator_admin.email)
    page.goto(tender_url + "questions/")
    assert "Oui : tous les logements du périmètre." in page.content()
    no_violations(page)

    # Two operators bid; the second replaces its bid.
    page.goto(tender_url + "offres/")
    page.get_by_role("link", name="Préparer une offre").click()
    no_violations(page)
    fill_bid(page, "9.50", "Permanence mensuelle dans chaque résidence.")
    page.get_by_role("button", name="Déposer l'offre").click()
    assert page.get_by_role("heading", name="Récépissé de dépôt").is_visible()
    first = Bid.objects.get(operator=operator)
    assert first.content_hash in page.content()
    no_violations(page)
    log_out(page)
    log_in(page, operator2_admin.email)
    page.goto(tender_url + "offres/")
    page.get_by_role("link", name="Préparer une offre").click()
    fill_bid(page, "12.00", "Assistance téléphonique.")
    page.get_by_role("button", name="Déposer l'offre").click()
    page.goto(tender_url + "offres/")
    page.get_by_role("link", name="Préparer une nouvelle version").click()
    page.get_by_label("Prix par logement et par mois (HT)").fill("11.00")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.get_by_role("button", name="Déposer l'offre").click()
    assert list(Bid.objects.filter(operator=operator2).order_by("version").values_list("state", flat=True)) == [
        "replaced",
        "submitted",
    ]
    log_out(page)

    # The deadline passes (server clock); the landlord logs in again and opens the bids.
    deadline = Tender.objects.get(pk=formal_tender.pk).deadline
    with time_machine.travel(deadline + datetime.timedelta(minutes=5), tick=True):
        log_in(page, landlord_admin.email)
        page.goto(tender_url + "offres/")
        page.get_by_role("button", name="Ouvrir les offres").click()
        assert "9,50 €" in page.content() and "11,00 €" in page.content()
        page.get_by_role("button", name="Déclarer recevable").first.click()
        page.get_by_role("button", name="Déclarer recevable").first.click()
        page.get_by_role("button", name="Passer à l'évaluation").first.click()
        for operator_name, value in [("FibreCité", "90"), ("Réseau Solidaire", "70")]:
            page.get_by_role("link", name=f"Noter l'offre de {operator_name}").click()
            page.get_by_label("Prix (60 %) : note sur 100").fill(value)
            page.get_by_label("Valeur technique (40 %) : note sur 100").fill(value)
            page.get_by_role("button", name="Enregistrer les notes").click()
        no_violations(page)
        page.get_by_role("link", name="Attribuer").click()
        page.get_by_label("Motifs du choix").fill("Meilleure note pondérée : prix et accompagnement.")
        page.get_by_label("Date de décision de la commission d'appel d'offres").fill(timezone.localdate().isoformat())
        page.get_by_role("button", name="Attribuer le marché").click()
        assert "Attribution enregistrée" in page.content()
        log_out(page)

        # The loser sees its letter.
        log_in(page, operator2_admin.email)
        page.goto(tender_url + "attribution/")
        assert "Votre offre : non retenue" in page.content()
        no_violations(page)
        letter = page.get_by_role("link", name="Lettre de rejet (PDF)")
        response = page.request.get(letter.get_attribute("href"))
        assert response.ok and response.body().startswith(b"%PDF")
        log_out(page)
        standstill_ends = Tender.objects.get(pk=formal_tender.pk).standstill_ends_at

    # After the 11-day standstill, both parties sign.
    with time_machine.travel(standstill_ends + datetime.timedelta(hours=1), tick=True):
        contract = Contract.objects.get()
        log_in(page, operator_admin.email)
        page.goto(f"/appels-d-offres/marches/{contract.pk}/")
        page.get_by_role("link", name="Enregistrer la signature de l'opérateur").click()
        page.get_by_label("Date de signature").fill(timezone.localdate().isoformat())
        page.get_by_role("button", name="Enregistrer").click()
        log_out(page)
        log_in(page, landlord_admin.email)
        page.goto(f"/appels-d-offres/marches/{contract.pk}/")
        page.get_by_role("link", name="Signer le marché").click()
        page.get_by_label("Date de signature").fill(timezone.localdate().isoformat())
        page.get_by_label("Marché signé des deux parties (PDF)").set_input_files(
            files=[{"name": "marche.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 signe"}]
        )
        page.get_by_role("button", name="Enregistrer").click()
        assert "Marché signé : il est en cours d'exécution." in page.content()
        no_violations(page)
    contract.refresh_from_db()
    assert contract.state == "active" and contract.operator == operator
    assert Tender.objects.get(pk=formal_tender.pk).state == "contracted"
