"""Tender pages and the landlord's actions on a tender."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.exports import XLSX_CONTENT_TYPE, xlsx_bytes
from accounts.models import Kind, StaleEdit

from .. import notifications
from ..filters import TenderFilter
from ..forms import (
    AmendmentForm,
    AwardForm,
    CriterionFormSet,
    PerimeterForm,
    ReasonForm,
    TenderDocumentForm,
    TenderForm,
)
from ..models import (
    AFTER_OPENING_STATES,
    OPENED_BID_STATES,
    Bid,
    BidState,
    Contract,
    InterestReason,
    Question,
    Tender,
    TenderDocument,
    TenderState,
)
from ..releases import release_on_commit
from ..tables import TenderTable
from .common import acting_operator, fingerprint, operator_ids, run, serve, tender_tabs


def visible_tender(request, pk):
    return get_object_or_404(Tender.objects.visible_to(request.user).select_related("landlord"), pk=pk)


def managed_tender(request, pk):
    tender = visible_tender(request, pk)
    if not tender.can_manage(request.user):
        raise PermissionDenied
    return tender


def may_see_bid_count(user, tender):
    """The landlord and city staff may know how many bids came (§8); operators may not."""
    return user.has_role(tender.landlord) or user.has_territory


def page(request, tender, tab, template, **context):
    user = request.user
    base = {
        "tender": tender,
        "tabs": tender_tabs(tender, user, tab),
        "is_landlord": user.has_role(tender.landlord),
        "can_manage": tender.can_manage(user),
        "acting_operator": acting_operator(user),
        "show_bid_count": may_see_bid_count(user, tender),
        "bid_count": tender.bid_count() if may_see_bid_count(user, tender) else None,
        "now": timezone.now(),
    }
    return render(request, template, {**base, **context})


# -- lists -------------------------------------------------------------------------------------


def tender_list(request):
    user = request.user
    queryset = Tender.objects.visible_to(user).select_related("landlord").with_bid_count().order_by("deadline", "pk")
    filterset = TenderFilter(request.GET, queryset=queryset, request=request)
    show_counts = bool(user.kinds & {Kind.LANDLORD, Kind.CITY, Kind.STATE})
    table = TenderTable(filterset.qs, request=request, exclude=() if show_counts else ("bid_count",))
    table.paginate(page=request.GET.get("page", 1), per_page=50)
    can_create = any(
        m.organization.kind == Kind.LANDLORD and m.role in ("admin", "member") for m in user.memberships_cached
    )
    return render(
        request, "operators/tender_list.html", {"filter": filterset, "table": table, "can_create": can_create}
    )


def tender_export(request):
    """The tenders the user sees; the number of bids only where the user may know it."""
    user = request.user
    tenders = Tender.objects.visible_to(user).select_related("landlord").with_bid_count().order_by("reference")
    landlord_ids = {m.organization_id for m in user.memberships_cached if m.organization.kind == Kind.LANDLORD}

    def bid_count(tender):
        return tender.bid_count if tender.landlord_id in landlord_ids or user.has_territory else ""

    columns = [
        ("Référence", lambda t: t.reference),
        ("Objet", lambda t: t.title),
        ("Bailleur", lambda t: t.landlord.name),
        ("Procédure", lambda t: t.get_procedure_display()),
        ("État", lambda t: t.get_state_display()),
        ("Date limite", lambda t: timezone.localtime(t.deadline).strftime("%d/%m/%Y %H:%M") if t.deadline else ""),
        ("Logements", lambda t: t.perimeter_dwellings),
        ("Valeur estimée HT", lambda t: t.estimated_value_ht),
        ("Offres reçues", bid_count),
    ]
    response = HttpResponse(xlsx_bytes([("Appels d'offres", columns, tenders)]), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="appels-d-offres.xlsx"'
    return response


# -- tabs --------------------------------------------------------------------------------------


def tender_detail(request, pk):
    tender = visible_tender(request, pk)
    return page(
        request,
        tender,
        "detail",
        "operators/tender_detail.html",
        criteria=tender.criteria.all(),
        documents=tender.documents.select_related("amendment"),
        amendments=tender.amendments.all(),
        publication_errors=tender.publication_errors() if tender.is_draft and tender.can_manage(request.user) else [],
        expected_procedure=tender.get_procedure_display() if tender.procedure else tender.expected_procedure(),
        rule=tender.rule or tender.rule_in_force(),
    )


def tender_perimeter(request, pk):
    tender = visible_tender(request, pk)
    residences = tender.residences.select_related("qpv").with_counts().order_by("commune_name", "name")
    return page(
        request,
        tender,
        "perimeter",
        "operators/tender_perimeter.html",
        residences=residences,
        summary=tender.perimeter_summary(),
    )


def tender_questions(request, pk):
    tender = visible_tender(request, pk)
    questions = Question.objects.visible_to(request.user).filter(tender=tender).order_by("asked_at", "pk")
    mine = operator_ids(request.user)
    from ..forms import AnswerForm, QuestionForm

    return page(
        request,
        tender,
        "questions",
        "operators/tender_questions.html",
        questions=questions,
        my_operator_ids=mine,
        question_form=QuestionForm(),
        answer_form=AnswerForm(),
        can_ask=acting_operator(request.user) is not None and tender.accepts_questions(),
        can_answer=tender.can_manage(request.user) and tender.accepts_answers(),
    )


def tender_bids(request, pk):
    tender = visible_tender(request, pk)
    user = request.user
    context = {}
    if user.has_role(tender.landlord):
        # Sealed until the opening: Bid.objects.visible_to returns nothing before it.
        context["bids"] = (
            Bid.objects.visible_to(user)
            .filter(tender=tender)
            .select_related("operator", "tender")
            .order_by("rank", "operator__name")
        )
    elif user.has_territory and tender.is_opened:
        context["summary"] = tender.bids.filter(state__in=OPENED_BID_STATES).aggregate(
            opened=Count("pk"),
            admissible=Count(
                "pk",
                filter=Q(state__in=[BidState.ADMISSIBLE, BidState.RANKED, BidState.AWARDED, BidState.REJECTED]),
            ),
            eliminated=Count(
                "pk", filter=Q(state=BidState.ELIMINATED) | Q(state=BidState.REJECTED, elimination_reason__gt="")
            ),
        )
    context["my_bids"] = (
        Bid.objects.visible_to(user).filter(tender=tender, operator__in=operator_ids(user)).select_related("operator")
    )
    operator = acting_operator(user)
    context["can_bid"] = operator is not None and tender.accepts_bids()
    context["has_draft"] = any(b.state == BidState.DRAFT for b in context["my_bids"])
    return page(request, tender, "bids", "operators/tender_bids.html", **context)


def tender_evaluation(request, pk):
    tender = visible_tender(request, pk)
    if not request.user.has_role(tender.landlord):
        raise PermissionDenied
    if tender.state not in AFTER_OPENING_STATES:
        messages.info(request, "L'évaluation commence après l'ouverture des offres.")
        return redirect("operators:tender_bids", pk=tender.pk)
    criteria = list(tender.criteria.all())
    bids = list(
        Bid.objects.visible_to(request.user)
        .filter(tender=tender, state__in=OPENED_BID_STATES)
        .select_related("operator")
        .prefetch_related("scores__criterion")
    )
    for bid in bids:
        by_criterion = {s.criterion_id: s for s in bid.scores.all()}
        bid.score_cells = [by_criterion.get(c.pk) for c in criteria]
        bid.preview_total = bid.computed_total() if len(by_criterion) == len(criteria) else None
    scored = sorted(
        (b for b in bids if b.preview_total is not None and b.state != BidState.ELIMINATED),
        key=lambda b: -b.preview_total,
    )
    return page(
        request,
        tender,
        "evaluation",
        "operators/tender_evaluation.html",
        criteria=criteria,
        bids=bids,
        ranking=scored,
        award_errors=tender.award_errors(with_board_date=False) if tender.state == TenderState.EVALUATION else [],
    )


def tender_award_tab(request, pk):
    tender = visible_tender(request, pk)
    user = request.user
    context = {"contract": None}
    if tender.is_awarded:
        winner = tender.awarded_bid
        context["winner_name"] = winner.operator.name
        context["awarded_price"] = winner.unit_price_ht
        context["awarded_vat"] = winner.vat_rate
        if user.has_role(tender.landlord):
            context["bids"] = (
                Bid.objects.visible_to(user)
                .filter(tender=tender, state__in=OPENED_BID_STATES)
                .select_related("operator")
                .order_by("rank", "operator__name")
            )
        context["my_bids"] = Bid.objects.visible_to(user).filter(
            tender=tender, operator__in=operator_ids(user), state__in=OPENED_BID_STATES
        )
        if user.has_territory or user.has_role(tender.landlord):
            context["statistics"] = tender.bid_statistics()
        context["contract"] = Contract.objects.visible_to(user).filter(tender=tender).first()
    return page(request, tender, "award", "operators/tender_award.html", **context)


# -- drafting ----------------------------------------------------------------------------------


def tender_create(request):
    landlords = [
        m.organization
        for m in request.user.memberships_cached
        if m.organization.kind == Kind.LANDLORD and m.role in ("admin", "member")
    ]
    if not landlords:
        raise PermissionDenied
    form = TenderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        tender = form.save(commit=False)
        tender.landlord = landlords[0]
        tender.created_by = request.user
        tender.save()
        messages.success(
            request, "Appel d'offres créé (brouillon) : définissez son périmètre, ses critères et ses documents."
        )
        return redirect("operators:tender_perimeter_edit", pk=tender.pk)
    return render(request, "operators/tender_form.html", {"form": form, "landlord": landlords[0]})


def draft_of(request, pk):
    tender = managed_tender(request, pk)
    if not tender.is_draft:
        messages.warning(request, "Publié : l'appel d'offres ne se modifie plus que par un avis rectificatif.")
        return None, redirect(tender)
    return tender, None


def tender_edit(request, pk):
    tender, refused = draft_of(request, pk)
    if refused:
        return refused
    form = TenderForm(request.POST or None, instance=tender, initial={"version": tender.version})
    if request.method == "POST" and form.is_valid():
        try:
            tender.save_if_current(form.cleaned_data["version"] or 0, list(TenderForm.Meta.fields))
        except StaleEdit:
            messages.error(
                request,
                "Quelqu'un a modifié cet appel d'offres pendant que vous le modifiiez. "
                "Vos changements n'ont pas été enregistrés : voici la version actuelle.",
            )
            return redirect("operators:tender_edit", pk=tender.pk)
        except IntegrityError:
            form.add_error("reference", "Cette référence est déjà utilisée.")
        else:
            messages.success(request, "Appel d'offres enregistré.")
            return redirect(tender)
    return render(request, "operators/tender_form.html", {"form": form, "tender": tender, "landlord": tender.landlord})


def tender_perimeter_edit(request, pk):
    tender, refused = draft_of(request, pk)
    if refused:
        return refused
    form = PerimeterForm(
        request.POST or None, landlord=tender.landlord, initial={"residences": tender.residences.all()}
    )
    if request.method == "POST" and form.is_valid():
        tender.residences.set(form.cleaned_data["residences"])
        messages.success(request, "Périmètre enregistré.")
        return redirect("operators:tender_perimeter", pk=tender.pk)
    return render(request, "operators/tender_perimeter_form.html", {"form": form, "tender": tender})


def tender_criteria(request, pk):
    tender, refused = draft_of(request, pk)
    if refused:
        return refused
    formset = CriterionFormSet(request.POST or None, instance=tender)
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():
            criteria = formset.save(commit=False)
            for position, criterion in enumerate(criteria):
                criterion.position = position
                criterion.save()
            for criterion in formset.deleted_objects:
                criterion.delete()
        messages.success(request, "Critères enregistrés.")
        return redirect(tender)
    return render(request, "operators/tender_criteria.html", {"formset": formset, "tender": tender})


def document_add(request, pk):
    tender, refused = draft_of(request, pk)
    if refused:
        return refused
    form = TenderDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        document = form.save(commit=False)
        document.tender = tender
        document.uploaded_by = request.user
        document.sha256 = fingerprint(form.cleaned_data["file"])
        document.size = form.cleaned_data["file"].size
        document.save()
        messages.success(request, f"Document « {document.title} » ajouté.")
        return redirect(tender)
    return render(request, "operators/document_form.html", {"form": form, "tender": tender})


@require_POST
def document_delete(request, pk):
    document = get_object_or_404(TenderDocument.objects.visible_to(request.user).select_related("tender"), pk=pk)
    tender, refused = draft_of(request, document.tender_id)
    if refused:
        return refused
    document.delete()
    messages.success(request, "Document supprimé.")
    return redirect(tender)


def document_download(request, pk):
    document = get_object_or_404(TenderDocument.objects.visible_to(request.user).select_related("tender"), pk=pk)
    operator = acting_operator(request.user)
    if operator is not None and not request.user.has_role(document.tender.landlord):
        document.tender.note_interest(operator, InterestReason.DOWNLOADED)
    return serve(document.file, document.filename)


# -- landlord's acts ---------------------------------------------------------------------------


@require_POST
def tender_publish(request, pk):
    tender = managed_tender(request, pk)
    if tender.is_draft:
        errors = tender.publication_errors()
        if errors:
            for error in errors:
                messages.error(request, error)
            return redirect(tender)
    if run(
        request, tender, "publish", success="Appel d'offres publié : les opérateurs peuvent le consulter et répondre."
    ):
        release_on_commit(tender=tender, tag="tender")
    return redirect(tender)


def tender_amend(request, pk):
    tender = managed_tender(request, pk)
    if not tender.accepts_bids():
        messages.warning(request, "Un avis rectificatif se publie avant la date limite de remise des offres.")
        return redirect(tender)
    form = AmendmentForm(request.POST or None, request.FILES or None, tender=tender)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            locked = Tender.objects.select_for_update().get(pk=tender.pk)
            if not locked.accepts_bids():
                messages.error(request, "La date limite est passée entre-temps : avis rectificatif refusé.")
                return redirect(tender)
            amendment = form.save(commit=False)
            amendment.tender = locked
            amendment.number = locked.amendments.count() + 1
            amendment.previous_deadline = locked.deadline
            amendment.previous_questions_deadline = locked.questions_deadline
            amendment.published_by = request.user
            amendment.save()
            upload = form.cleaned_data.get("document")
            if upload:
                TenderDocument.objects.create(
                    tender=locked,
                    amendment=amendment,
                    title=form.cleaned_data["document_title"],
                    file=upload,
                    sha256=fingerprint(upload),
                    size=upload.size,
                    uploaded_by=request.user,
                )
            Tender.objects.filter(pk=locked.pk).update(
                deadline=amendment.new_deadline, questions_deadline=amendment.new_questions_deadline
            )
            for bid in locked.bids.filter(state=BidState.SUBMITTED):
                bid.require_confirmation(by=request.user)
                bid.save()
            notifications.later("amendment", locked.interested_operators(), tender=locked, amendment=amendment)
            release_on_commit(tender=locked, tag="tenderAmendment", amendment=amendment)
        messages.success(
            request,
            f"Avis rectificatif n° {amendment.number} publié : les opérateurs intéressés sont prévenus et les offres "
            "déjà déposées doivent être confirmées.",
        )
        return redirect(tender)
    return render(request, "operators/tender_amend.html", {"form": form, "tender": tender})


@require_POST
def tender_open(request, pk):
    tender = managed_tender(request, pk)
    if not tender.deadline_passed():
        messages.error(
            request,
            "Les offres restent scellées jusqu'à la date limite "
            f"({timezone.localtime(tender.deadline):%d/%m/%Y à %H:%M}, heure du serveur).",
        )
        return redirect(tender)
    if run(
        request,
        tender,
        "open",
        then=lambda: tender.apply_opening(by=request.user),
        success="Offres ouvertes : examinez leur recevabilité.",
    ):
        release_on_commit(tender=tender, tag="tenderUpdate")
    return redirect("operators:tender_bids", pk=tender.pk)


@require_POST
def tender_start_evaluation(request, pk):
    tender = managed_tender(request, pk)
    if tender.state == TenderState.OPENED and tender.bids.filter(state=BidState.OPENED).exists():
        messages.error(request, "Déclarez chaque offre recevable ou écartez-la avant l'évaluation.")
        return redirect("operators:tender_bids", pk=tender.pk)
    run(request, tender, "start_evaluation", success="Évaluation ouverte : notez les offres recevables.")
    return redirect("operators:tender_evaluation", pk=tender.pk)


def tender_award(request, pk):
    tender = managed_tender(request, pk)
    if tender.state != TenderState.EVALUATION:
        messages.warning(request, "L'attribution se fait à l'issue de l'évaluation.")
        return redirect("operators:tender_award_tab", pk=tender.pk)
    form = AwardForm(request.POST or None, formal=tender.is_formal)
    if request.method == "POST" and form.is_valid():
        if tender.is_formal:
            tender.board_decision_on = form.cleaned_data["board_decision_on"]
        errors = tender.award_errors()
        if errors:
            for error in errors:
                messages.error(request, error)
        else:
            contract = []
            if run(
                request,
                tender,
                "award",
                reasons=form.cleaned_data["reasons"],
                then=lambda: contract.append(tender.apply_award(by=request.user)),
                success="Attribution enregistrée : les lettres sont envoyées, le délai de suspension court.",
            ):
                notify_award(tender)
                release_on_commit(tender=tender, tag="award", contract=contract[0])
            return redirect("operators:tender_award_tab", pk=tender.pk)
    bids = tender.bids.filter(state__in=[BidState.ADMISSIBLE, BidState.RANKED]).select_related("operator")
    bids = sorted(bids.prefetch_related("scores__criterion"), key=lambda b: -b.computed_total())
    return render(
        request,
        "operators/tender_award_form.html",
        {"form": form, "tender": tender, "ranking": bids, "award_errors": tender.award_errors(with_board_date=False)},
    )


def notify_award(tender):
    winner = tender.awarded_bid
    for bid in tender.bids.filter(state=BidState.REJECTED).select_related("operator"):
        notifications.later("rejection_letter", [bid.operator], tender=tender, bid=bid, winner=winner)
    notifications.later("award_winner", [winner.operator], tender=tender, bid=winner)


def ending(request, pk, name, label, success, tag):
    tender = managed_tender(request, pk)
    form = ReasonForm(request.POST or None, label=label)
    if request.method == "POST" and form.is_valid():
        reasons = form.cleaned_data["reason"]
        if run(request, tender, name, reasons=reasons, success=success):
            template = "cancelled" if name == "cancel" else "unsuccessful"
            notifications.later(template, tender.interested_operators(), tender=tender)
            release_on_commit(tender=tender, tag=tag)
        return redirect(tender)
    return render(
        request, "operators/tender_end_form.html", {"form": form, "tender": tender, "title": label, "action": name}
    )


def tender_cancel(request, pk):
    return ending(
        request,
        pk,
        "cancel",
        "Motifs de la déclaration sans suite (communiqués à tous les opérateurs intéressés)",
        "Appel d'offres déclaré sans suite : les opérateurs intéressés en sont informés.",
        "tenderCancellation",
    )


def tender_unsuccessful(request, pk):
    return ending(
        request,
        pk,
        "declare_unsuccessful",
        "Motifs de la déclaration d'infructuosité (aucune offre acceptable)",
        "Appel d'offres déclaré infructueux : les opérateurs intéressés en sont informés.",
        "tenderUpdate",
    )


def bids_export(request, pk):
    """The landlord's comparison of the opened bids; sealed bids are never in it."""
    tender = visible_tender(request, pk)
    if not request.user.has_role(tender.landlord) or not tender.is_opened:
        raise PermissionDenied
    bids = (
        Bid.objects.visible_to(request.user)
        .filter(tender=tender)
        .select_related("operator")
        .prefetch_related(Prefetch("scores"))
        .order_by("rank", "operator__name")
    )
    columns = [
        ("Opérateur", lambda b: b.operator.name),
        ("SIREN", lambda b: b.operator.siren),
        ("Version", lambda b: b.version),
        ("Déposée le", lambda b: timezone.localtime(b.submitted_at).strftime("%d/%m/%Y %H:%M:%S")),
        ("Empreinte SHA-256", lambda b: b.content_hash),
        ("Prix par logement et par mois HT", lambda b: b.unit_price_ht),
        ("TVA (%)", lambda b: b.vat_rate),
        ("Frais d'installation HT", lambda b: b.installation_fee_ht),
        ("Technologie", lambda b: b.get_technology_display()),
        ("Débit descendant (Mbit/s)", lambda b: b.download_mbps),
        ("Débit montant (Mbit/s)", lambda b: b.upload_mbps),
        ("État", lambda b: b.get_state_display()),
        ("Anormalement basse", lambda b: "oui" if b.is_flagged_low else "non"),
        ("Note pondérée", lambda b: b.total_score),
        ("Rang", lambda b: b.rank),
    ]
    response = HttpResponse(xlsx_bytes([("Offres", columns, bids)]), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="offres-{tender.reference}.xlsx"'
    return response
