"""Questions and bids: the operator's side, and the landlord's examination of opened bids."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.pdf import render_pdf
from accounts.transitions import user_may

from .. import notifications
from ..forms import AnswerForm, AssessmentForm, BidDocumentForm, BidForm, QuestionForm, ReasonForm, ScoreForm
from ..models import (
    LIVE_BID_STATES,
    OPENED_BID_STATES,
    Bid,
    BidDocument,
    BidState,
    DeadlinePassed,
    InterestReason,
    Question,
    Score,
    TenderState,
)
from .common import acting_operator, fingerprint, form_errors_to_messages, operator_ids, run, serve
from .tenders import managed_tender, visible_tender

# -- questions ---------------------------------------------------------------------------------


@require_POST
def question_ask(request, pk):
    tender = visible_tender(request, pk)
    operator = acting_operator(request.user)
    if operator is None:
        raise PermissionDenied
    if not tender.accepts_questions():
        messages.error(request, "La date limite des questions est passée (heure du serveur).")
        return redirect("operators:tender_questions", pk=tender.pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        with transaction.atomic():
            Question.objects.create(
                tender=tender, operator=operator, asked_by=request.user, text=form.cleaned_data["text"]
            )
            tender.note_interest(operator, InterestReason.ASKED)
            notifications.later("question_asked", [tender.landlord], tender=tender)
        messages.success(request, "Question envoyée : la réponse sera publiée à tous les opérateurs, sans votre nom.")
    else:
        form_errors_to_messages(request, form)
    return redirect("operators:tender_questions", pk=tender.pk)


def question_answer(request, pk):
    question = get_object_or_404(Question.objects.visible_to(request.user).select_related("tender"), pk=pk)
    tender = managed_tender(request, question.tender_id)
    if not tender.accepts_answers():
        messages.error(
            request,
            "Trop tard pour répondre avant la date limite : publiez d'abord un avis rectificatif qui la repousse "
            f"(les réponses sont dues {tender.answer_days or 0} jours avant).",
        )
        return redirect("operators:tender_questions", pk=tender.pk)
    form = AnswerForm(request.POST or None, initial={"answer": question.answer})
    if request.method == "POST" and form.is_valid():
        first = not question.is_answered
        question.answer = form.cleaned_data["answer"]
        question.answered_at = timezone.now()
        question.answered_by = request.user
        with transaction.atomic():
            question.save()
            if first:
                notifications.later("answer_published", tender.interested_operators(), tender=tender)
        messages.success(request, "Réponse publiée à tous les opérateurs.")
        return redirect("operators:tender_questions", pk=tender.pk)
    return render(request, "operators/question_answer.html", {"form": form, "question": question, "tender": tender})


# -- the operator's bid ------------------------------------------------------------------------


def own_bid(request, pk):
    """A bid the user may change: its operator's, visible, and the user admin or member."""
    bid = get_object_or_404(Bid.objects.visible_to(request.user).select_related("tender", "operator"), pk=pk)
    if not bid.can_write(request.user):
        raise PermissionDenied
    return bid


def refuse_after_deadline(request, bid):
    """The deadline, read from the server clock, on every write."""
    try:
        bid.check_writable()
    except DeadlinePassed as error:
        messages.error(request, error.messages[0])
        return redirect(bid)
    return None


def bid_list(request):
    bids = (
        Bid.objects.visible_to(request.user)
        .filter(operator__in=operator_ids(request.user))
        .select_related("tender", "tender__landlord", "operator")
        .order_by("-created_at")
    )
    return render(request, "operators/bid_list.html", {"bids": bids})


def bid_create(request, pk):
    """A new draft; when a live bid exists, the draft is its next version (it replaces it once submitted)."""
    tender = visible_tender(request, pk)
    operator = acting_operator(request.user)
    if operator is None:
        raise PermissionDenied
    if not tender.accepts_bids():
        messages.error(request, "La date limite de remise des offres est dépassée (heure du serveur).")
        return redirect("operators:tender_bids", pk=tender.pk)
    draft = tender.bids.filter(operator=operator, state=BidState.DRAFT).first()
    if draft:
        return redirect("operators:bid_edit", pk=draft.pk)
    live = tender.bids.filter(operator=operator, state__in=LIVE_BID_STATES).first()
    initial = {f: getattr(live, f) for f in BidForm.Meta.fields} if live else None
    form = BidForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            bid = create_draft(form, tender, operator, live, request.user)
        except DeadlinePassed as error:
            messages.error(request, error.messages[0])
            return redirect("operators:tender_bids", pk=tender.pk)
        messages.success(
            request,
            "Brouillon enregistré. Il n'est visible que de votre organisation ; déposez-le avant la date limite"
            + (" : il remplacera alors votre offre précédente." if live else "."),
        )
        return redirect(bid)
    return render(request, "operators/bid_form.html", {"form": form, "tender": tender, "live": live})


def create_draft(form, tender, operator, live, user):
    with transaction.atomic():
        bid = form.save(commit=False)
        bid.tender = tender
        bid.operator = operator
        bid.created_by = user
        bid.version = (tender.bids.filter(operator=operator).aggregate(m=Max("version"))["m"] or 0) + 1
        bid.replaces = live
        bid.check_writable()
        bid.save()
        if live is not None:
            BidDocument.objects.bulk_create(
                [
                    BidDocument(bid=bid, title=d.title, file=d.file.name, sha256=d.sha256, size=d.size)
                    for d in live.documents.all()
                ]
            )
        tender.note_interest(operator, InterestReason.BID)
    return bid


def bid_detail(request, pk):
    bid = get_object_or_404(
        Bid.objects.visible_to(request.user).select_related("tender", "tender__landlord", "operator"), pk=pk
    )
    tender = bid.tender
    is_operator = bid.operator_id in operator_ids(request.user)
    scores = bid.scores.select_related("criterion") if (not is_operator or tender.is_awarded) else []
    return render(
        request,
        "operators/bid_detail.html",
        {
            "bid": bid,
            "tender": tender,
            "is_operator": is_operator,
            "can_write": is_operator and bid.can_write(request.user),
            "writable": tender.accepts_bids(),
            "can_evaluate": not is_operator and tender.can_evaluate(request.user),
            "documents": bid.documents.all(),
            "scores": scores,
            "document_form": BidDocumentForm(),
            "versions": tender.bids.filter(operator=bid.operator).order_by("-version") if is_operator else [],
        },
    )


def bid_edit(request, pk):
    bid = own_bid(request, pk)
    if bid.state != BidState.DRAFT:
        messages.warning(request, "Seul un brouillon se modifie : créez une nouvelle version pour remplacer l'offre.")
        return redirect(bid)
    refused = refuse_after_deadline(request, bid)
    if refused:
        return refused
    form = BidForm(request.POST or None, instance=bid)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            locked = Bid.objects.select_for_update().select_related("tender").get(pk=bid.pk)
            locked.check_writable()
            form.save()
        messages.success(request, "Brouillon enregistré.")
        return redirect(bid)
    return render(request, "operators/bid_form.html", {"form": form, "tender": bid.tender, "bid": bid})


@require_POST
def bid_document_add(request, pk):
    bid = own_bid(request, pk)
    if bid.state != BidState.DRAFT:
        messages.warning(request, "Les documents s'ajoutent au brouillon.")
        return redirect(bid)
    refused = refuse_after_deadline(request, bid)
    if refused:
        return refused
    form = BidDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        document = form.save(commit=False)
        document.bid = bid
        document.sha256 = fingerprint(form.cleaned_data["file"])
        document.size = form.cleaned_data["file"].size
        document.save()
        messages.success(request, f"Document « {document.title} » ajouté au brouillon.")
    else:
        form_errors_to_messages(request, form)
    return redirect(bid)


@require_POST
def bid_document_delete(request, pk):
    document = get_object_or_404(BidDocument.objects.visible_to(request.user).select_related("bid__tender"), pk=pk)
    bid = own_bid(request, document.bid_id)
    if bid.state != BidState.DRAFT:
        messages.warning(request, "Les documents se retirent du brouillon seulement.")
        return redirect(bid)
    refused = refuse_after_deadline(request, bid)
    if refused:
        return refused
    document.delete()
    messages.success(request, "Document retiré du brouillon.")
    return redirect(bid)


def bid_document_download(request, pk):
    document = get_object_or_404(BidDocument.objects.visible_to(request.user), pk=pk)
    return serve(document.file, document.filename)


@require_POST
def bid_submit(request, pk):
    bid = own_bid(request, pk)
    refused = refuse_after_deadline(request, bid)
    if refused:
        return refused
    previous = bid.replaces if bid.replaces_id and bid.replaces.is_live else None

    def replace_previous():
        previous.refresh_from_db()
        previous.replace(by=request.user)
        previous.save()

    if run(
        request,
        bid,
        "submit",
        before=replace_previous if previous else None,
        success="Offre déposée. Conservez votre récépissé : heure du serveur et empreinte SHA-256.",
    ):
        notifications.later("receipt", [bid.operator], tender=bid.tender, bid=bid)
        return redirect("operators:bid_receipt", pk=bid.pk)
    return redirect(bid)


@require_POST
def bid_withdraw(request, pk):
    bid = own_bid(request, pk)
    refused = refuse_after_deadline(request, bid)
    if refused:
        return refused
    run(request, bid, "withdraw", success="Offre retirée : elle ne sera pas ouverte.")
    return redirect(bid)


@require_POST
def bid_confirm(request, pk):
    bid = own_bid(request, pk)
    refused = refuse_after_deadline(request, bid)
    if refused:
        return refused
    run(request, bid, "confirm", success="Offre confirmée après l'avis rectificatif : elle compte de nouveau.")
    return redirect(bid)


def bid_receipt(request, pk):
    bid = get_object_or_404(Bid.objects.visible_to(request.user).select_related("tender", "operator"), pk=pk)
    if bid.operator_id not in operator_ids(request.user) or not bid.submitted_at:
        raise PermissionDenied
    return render(request, "operators/bid_receipt.html", {"bid": bid, "tender": bid.tender})


def bid_letter(request, pk):
    """The rejection letter (PDF): the bidding operator's, and the landlord's copy."""
    bid = get_object_or_404(
        Bid.objects.visible_to(request.user).select_related("tender", "tender__landlord", "operator"), pk=pk
    )
    if bid.letter_sent_at is None:
        raise PermissionDenied
    tender = bid.tender
    pdf = render_pdf(
        "operators/pdf/rejection_letter.html",
        {"bid": bid, "tender": tender, "winner": tender.awarded_bid, "scores": bid.scores.select_related("criterion")},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="lettre-{tender.reference}-{bid.operator.siren}.pdf"'
    return response


@require_POST
def bid_justify(request, pk):
    """The operator answers a request for justification (abnormally low bid)."""
    bid = own_bid(request, pk)
    if not bid.justification_requested_at or bid.justification_accepted is not None:
        messages.warning(request, "Aucune justification n'est attendue pour cette offre.")
        return redirect(bid)
    form = ReasonForm(request.POST)
    if form.is_valid():
        bid.justification = form.cleaned_data["reason"]
        bid.justification_received_at = timezone.now()
        with transaction.atomic():
            bid.save(update_fields=["justification", "justification_received_at"])
            notifications.later("justification_received", [bid.tender.landlord], tender=bid.tender, bid=bid)
        messages.success(request, "Justification transmise au bailleur.")
    else:
        form_errors_to_messages(request, form)
    return redirect(bid)


# -- the landlord's examination ----------------------------------------------------------------


def examined_bid(request, pk):
    bid = get_object_or_404(Bid.objects.visible_to(request.user).select_related("tender", "operator"), pk=pk)
    if not bid.tender.can_evaluate(request.user):
        raise PermissionDenied
    return bid


@require_POST
def bid_admit(request, pk):
    bid = examined_bid(request, pk)
    run(request, bid, "admit", success=f"Offre de {bid.operator} déclarée recevable.")
    return redirect("operators:tender_bids", pk=bid.tender_id)


def bid_eliminate(request, pk):
    bid = examined_bid(request, pk)
    if not user_may(bid, "eliminate", request.user):
        raise PermissionDenied
    if bid.state in OPENED_BID_STATES and not bid._may_be_rejected():
        messages.error(
            request,
            "Cette offre est signalée anormalement basse : demandez une justification à l'opérateur et examinez-la "
            "avant de pouvoir l'écarter.",
        )
        return redirect(bid)
    form = ReasonForm(request.POST or None, label="Motif de l'élimination (repris dans la lettre à l'opérateur)")
    if request.method == "POST" and form.is_valid():
        run(request, bid, "eliminate", reason=form.cleaned_data["reason"], success=f"Offre de {bid.operator} écartée.")
        return redirect("operators:tender_bids", pk=bid.tender_id)
    return render(request, "operators/bid_reason_form.html", {"form": form, "bid": bid, "title": "Écarter l'offre"})


def bid_score(request, pk):
    bid = examined_bid(request, pk)
    tender = bid.tender
    if tender.state != TenderState.EVALUATION or bid.state not in (BidState.ADMISSIBLE, BidState.RANKED):
        messages.warning(request, "Les offres recevables se notent pendant l'évaluation.")
        return redirect("operators:tender_evaluation", pk=tender.pk)
    criteria = list(tender.criteria.all())
    scores = {s.criterion_id: s for s in bid.scores.all()}
    suggestions = {}
    price_criterion = next((c for c in criteria if c.is_price), None)
    if price_criterion:
        best = min(b.unit_price_ht for b in tender.bids.filter(state__in=[BidState.ADMISSIBLE, BidState.RANKED]))
        if bid.unit_price_ht:
            suggestions[price_criterion.pk] = (Decimal(100) * best / bid.unit_price_ht).quantize(Decimal("0.01"))
    form = ScoreForm(request.POST or None, criteria=criteria, scores=scores, suggestions=suggestions)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            for criterion in criteria:
                Score.objects.update_or_create(
                    bid=bid,
                    criterion=criterion,
                    defaults={
                        "value": form.cleaned_data[f"score_{criterion.pk}"],
                        "comment": form.cleaned_data[f"comment_{criterion.pk}"],
                        "scored_by": request.user,
                        "scored_at": timezone.now(),
                    },
                )
        messages.success(request, f"Notes de l'offre de {bid.operator} enregistrées.")
        return redirect("operators:tender_evaluation", pk=tender.pk)
    return render(request, "operators/bid_score.html", {"form": form, "bid": bid, "tender": tender})


def bid_flag_low(request, pk):
    bid = examined_bid(request, pk)
    if bid.state not in (BidState.OPENED, BidState.ADMISSIBLE, BidState.RANKED) or bid.tender.is_awarded:
        messages.warning(request, "Seule une offre en cours d'examen peut être signalée.")
        return redirect(bid)
    form = ReasonForm(request.POST or None, label="Pourquoi l'offre paraît-elle anormalement basse ?")
    if request.method == "POST" and form.is_valid():
        bid.flagged_low_by = request.user
        bid.flagged_low_note = form.cleaned_data["reason"]
        bid.save(update_fields=["flagged_low_by", "flagged_low_note"])
        messages.success(request, "Offre signalée anormalement basse : demandez une justification à l'opérateur.")
        return redirect(bid)
    return render(
        request,
        "operators/bid_reason_form.html",
        {"form": form, "bid": bid, "title": "Signaler une offre anormalement basse"},
    )


def bid_request_justification(request, pk):
    bid = examined_bid(request, pk)
    if not bid.is_flagged_low or bid.justification_accepted is not None or bid.tender.is_awarded:
        messages.warning(
            request, "Une justification se demande pour une offre signalée anormalement basse, non encore examinée."
        )
        return redirect(bid)
    form = ReasonForm(request.POST or None, label="Votre demande de justification (prix, coûts, hypothèses…)")
    if request.method == "POST" and form.is_valid():
        bid.justification_request = form.cleaned_data["reason"]
        bid.justification_requested_at = timezone.now()
        with transaction.atomic():
            bid.save(update_fields=["justification_request", "justification_requested_at"])
            notifications.later("justification_requested", [bid.operator], tender=bid.tender, bid=bid)
        messages.success(request, "Demande de justification envoyée à l'opérateur.")
        return redirect(bid)
    return render(
        request, "operators/bid_reason_form.html", {"form": form, "bid": bid, "title": "Demander une justification"}
    )


def bid_assess_justification(request, pk):
    bid = examined_bid(request, pk)
    if not bid.justification_requested_at or bid.justification_accepted is not None:
        messages.warning(request, "Demandez d'abord une justification à l'opérateur.")
        return redirect(bid)
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        bid.justification_accepted = form.cleaned_data["accepted"]
        bid.justification_assessment = form.cleaned_data["assessment"]
        bid.justification_assessed_at = timezone.now()
        bid.justification_assessed_by = request.user
        bid.save(
            update_fields=[
                "justification_accepted",
                "justification_assessment",
                "justification_assessed_at",
                "justification_assessed_by",
            ]
        )
        messages.success(request, "Appréciation de la justification enregistrée.")
        return redirect(bid)
    return render(request, "operators/bid_assess.html", {"form": form, "bid": bid})
