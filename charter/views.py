from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST
from django_fsm import can_proceed

from accounts.exports import XLSX_CONTENT_TYPE, xlsx_bytes
from accounts.models import StaleEdit
from accounts.transitions import STALE_MESSAGE, run_transition, user_may

from . import exports, pdf
from .filters import FollowupFilter
from .forms import (
    ArticleFormSet,
    CharterForm,
    CommitmentForm,
    DeclineForm,
    InviteForm,
    ReminderDelayForm,
    SignForm,
    WithdrawForm,
    cities_written_by,
)
from .measures import measures_of
from .models import DEFAULT_TITLE, Charter, Commitment, PublishedText, Signature, log_creation
from .tables import FollowupTable

# Home panels (registered in apps.py)


def home_panel_city(request):
    charters = (
        Charter.objects.of_my_cities(request.user)
        .exclude(state=Charter.State.SUPERSEDED)
        .with_counts()
        .select_related("city")
    )
    return {"charters": charters}


def home_panel_partner(request):
    signatures = (
        Signature.objects.of_my_organizations(request.user)
        .filter(state__in=[Signature.State.INVITED, Signature.State.SIGNED])
        .select_related("charter", "charter__city", "organization")
    )
    return {"signatures": signatures}


# Charters


def charter_list(request):
    user = request.user
    charters = Charter.objects.of_my_cities(user).with_counts().select_related("city")
    signatures = (
        Signature.objects.of_my_organizations(user)
        .select_related("charter", "charter__city", "organization")
        .order_by("-invited_at")
    )
    return render(
        request,
        "charter/charter_list.html",
        {"charters": charters, "signatures": signatures, "can_add": cities_written_by(user).exists()},
    )


def charter_add(request):
    cities = cities_written_by(request.user)
    if not cities.exists():
        raise PermissionDenied
    initial = {"title": DEFAULT_TITLE, "reminder_delay_days": Charter._meta.get_field("reminder_delay_days").default}
    form = CharterForm(request.POST or None, cities=cities, initial=initial)
    formset = ArticleFormSet(request.POST or None, prefix="articles")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            charter = Charter.objects.create(
                city=data["city"],
                title=data["title"],
                preamble=data["preamble"],
                articles=formset.articles(),
                effective_date=data["effective_date"],
                reminder_delay_days=data["reminder_delay_days"],
                created_by=request.user,
            )
            charter.qpvs.set(data["qpvs"])
            log_creation(charter, by=request.user, state=Charter.State.DRAFT)
        messages.success(request, "Le brouillon de la charte est enregistré. Relisez-le, puis publiez-le.")
        return redirect(charter)
    return render(request, "charter/charter_form.html", {"form": form, "formset": formset, "charter": None})


def charter_detail(request, pk):
    charter = get_object_or_404(Charter.objects.visible_to(request.user).select_related("city", "previous"), pk=pk)
    user = request.user
    is_staff = charter.is_staff(user)
    context = {
        "charter": charter,
        "is_staff": is_staff,
        "can_edit": charter.can_edit(user),
        "can_write": charter.can_write(user),
        "can_start_new_version": charter.can_start_new_version(user),
        "next_version": Charter.objects.filter(previous=charter).first(),
        "own_signatures": Signature.objects.of_my_organizations(user).filter(charter=charter),
        "qpvs": charter.qpvs.all(),
    }
    if is_staff:
        counts = dict(Signature.objects.filter(charter=charter).values_list("state").annotate(n=Count("pk")).order_by())
        context["counts"] = [(label, counts.get(code, 0)) for code, label in Signature.State.choices]
        context["problems"] = charter.publish_problems() if charter.is_draft else []
        if charter.can_invite(user):
            context["invite_form"] = InviteForm(charter=charter, user=user)
        if charter.can_write(user) and charter.state == Charter.State.OPEN:
            context["reminder_form"] = ReminderDelayForm(
                initial={"reminder_delay_days": charter.reminder_delay_days, "version": charter.version}
            )
    return render(request, "charter/charter_detail.html", context)


def charter_edit(request, pk):
    charter = get_object_or_404(Charter.objects.visible_to(request.user).select_related("city"), pk=pk)
    if not charter.can_write(request.user):
        raise PermissionDenied
    if not charter.is_draft:
        messages.warning(request, PublishedText().message)
        return redirect(charter)
    initial = {
        "title": charter.title,
        "qpvs": list(charter.qpvs.all()),
        "preamble": charter.preamble,
        "effective_date": charter.effective_date,
        "reminder_delay_days": charter.reminder_delay_days,
        "version": charter.version,
    }
    form = CharterForm(request.POST or None, initial=initial, cities=None, charter=charter)
    formset = ArticleFormSet(request.POST or None, prefix="articles", initial=charter.articles)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        charter.title, charter.preamble = data["title"], data["preamble"]
        charter.effective_date, charter.reminder_delay_days = data["effective_date"], data["reminder_delay_days"]
        charter.articles = formset.articles()
        try:
            with transaction.atomic():
                charter.save_if_current(
                    data["version"], ["title", "preamble", "articles", "effective_date", "reminder_delay_days"]
                )
                charter.qpvs.set(data["qpvs"])
        except StaleEdit:
            messages.error(
                request,
                "Quelqu'un a modifié ce brouillon pendant que vous le modifiiez. Vos changements n'ont pas été "
                "enregistrés : voici la version actuelle.",
            )
            return redirect("charter:charter_edit", pk=charter.pk)
        except PublishedText as error:
            messages.error(request, error.message)
            return redirect(charter)
        messages.success(request, "Le brouillon de la charte est enregistré.")
        return redirect(charter)
    return render(request, "charter/charter_form.html", {"form": form, "formset": formset, "charter": charter})


@require_POST
def charter_publish(request, pk):
    charter = get_object_or_404(Charter.objects.visible_to(request.user), pk=pk)
    run_transition(
        request,
        charter,
        "publish",
        success="La charte est publiée : son texte ne change plus. Invitez maintenant les bailleurs et les opérateurs.",
    )
    return redirect(charter)


@require_POST
def charter_close(request, pk):
    charter = get_object_or_404(Charter.objects.visible_to(request.user), pk=pk)
    run_transition(request, charter, "close", success="Les signatures sont closes ; les engagements restent suivis.")
    return redirect(charter)


@require_POST
def charter_new_version(request, pk):
    charter = get_object_or_404(Charter.objects.visible_to(request.user), pk=pk)
    if not charter.can_write(request.user):
        raise PermissionDenied
    if not charter.can_start_new_version(request.user):
        messages.warning(request, STALE_MESSAGE)
        return redirect(charter)
    draft = charter.new_version(by=request.user)
    messages.success(
        request,
        f"Brouillon de la version {draft.number} créé. Une fois publié, il remplacera la version {charter.number} : "
        "ses signataires seront invités à signer le nouveau texte.",
    )
    return redirect("charter:charter_edit", pk=draft.pk)


@require_POST
def charter_reminder(request, pk):
    charter = get_object_or_404(Charter.objects.visible_to(request.user), pk=pk)
    if not charter.can_write(request.user):
        raise PermissionDenied
    form = ReminderDelayForm(request.POST)
    if form.is_valid():
        charter.reminder_delay_days = form.cleaned_data["reminder_delay_days"]
        try:
            charter.save_if_current(form.cleaned_data["version"], ["reminder_delay_days"])
        except StaleEdit:
            messages.error(request, "Quelqu'un a modifié la charte entre-temps : vérifiez le délai et recommencez.")
        else:
            messages.success(request, "Le délai de relance est enregistré.")
    else:
        messages.error(request, "Le délai de relance est un nombre de jours entre 0 et 365.")
    return redirect(charter)


@require_POST
def signature_invite(request, pk):
    charter = get_object_or_404(Charter.objects.visible_to(request.user), pk=pk)
    if not charter.can_write(request.user):
        raise PermissionDenied
    if not charter.can_invite(request.user):
        messages.warning(request, "La charte n'est pas ouverte à la signature : personne ne peut y être invité.")
        return redirect(charter)
    form = InviteForm(request.POST, charter=charter, user=request.user)
    if form.is_valid():
        with transaction.atomic():
            invited = charter.invite(form.cleaned_data["organizations"], by=request.user)
        names = ", ".join(str(s.organization) for s in invited)
        messages.success(request, f"Invitation envoyée à : {names}.")
    else:
        for error in form.errors.get("organizations", []):
            messages.error(request, error)
    return redirect(charter)


# The public document


@login_not_required
def charter_public(request, pk):
    charter = get_object_or_404(Charter.objects.published().select_related("city"), pk=pk)
    signatories = (
        Signature.objects.filter(charter=charter, state=Signature.State.SIGNED)
        .select_related("organization")
        .order_by("signed_at")
    )
    return render(
        request,
        "charter/charter_public.html",
        {
            "charter": charter,
            "qpvs": charter.qpvs.all(),
            "signatories": signatories,
            "next_version": Charter.objects.published().filter(previous=charter).first(),
        },
    )


@login_not_required
def charter_pdf(request, pk):
    charter = get_object_or_404(Charter.objects.published().select_related("city"), pk=pk)
    filename = f"charte-{slugify(charter.city.name)}-v{charter.number}.pdf"
    return pdf_response(pdf.charter_pdf(charter), filename)


def pdf_response(content, filename):
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# The city's follow-up


@dataclass
class FollowupRow:
    signature: Signature
    commitment: Commitment | None = None
    progress: object = None


def followup_rows(charter, filterset):
    """One row per commitment (one per organisation without any), with its progress from live data.

    Constant number of queries: signatures, their commitments, and one batch per measured kind.
    """
    data = filterset.form.cleaned_data if filterset.is_bound and filterset.form.is_valid() else {}
    commitments = Commitment.objects.select_related("kind", "qpv", "residence")
    if data.get("qpv"):
        commitments = commitments.filter(qpv=data["qpv"])
    if data.get("kind"):
        commitments = commitments.filter(kind=data["kind"])
    signatures = filterset.qs.select_related("organization", "charter").prefetch_related(
        Prefetch("commitments", queryset=commitments)
    )
    signatures = list(signatures)
    every = [c for s in signatures for c in s.commitments.all()]
    measures = measures_of(every)
    rows = []
    for signature in signatures:
        mine = list(signature.commitments.all())
        for commitment in mine:
            rows.append(FollowupRow(signature, commitment, commitment.progress(measures.get(commitment.pk))))
        if not mine and not (data.get("qpv") or data.get("kind")):
            rows.append(FollowupRow(signature))
    return rows


def followup_context(request, pk):
    charter = get_object_or_404(Charter.objects.visible_to(request.user).select_related("city"), pk=pk)
    if not charter.is_staff(request.user):
        raise PermissionDenied
    queryset = Signature.objects.filter(charter=charter)
    filterset = FollowupFilter(request.GET or None, queryset=queryset, charter=charter)
    return charter, filterset, followup_rows(charter, filterset)


def charter_followup(request, pk):
    charter, filterset, rows = followup_context(request, pk)
    table = FollowupTable(rows, request=request)
    table.caption = f"Adhésions et engagements — {charter}"
    table.paginate(page=request.GET.get("page", 1), per_page=50)
    return render(
        request,
        "charter/followup.html",
        {"charter": charter, "filter": filterset, "table": table, "query": request.GET.urlencode()},
    )


def charter_export(request, pk):
    charter, _, rows = followup_context(request, pk)
    content = xlsx_bytes([("Engagements", exports.FOLLOWUP_COLUMNS, rows)])
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    filename = f"charte-{slugify(charter.city.name)}-v{charter.number}-engagements.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Signatures


def signature_detail(request, pk):
    signature = get_object_or_404(
        Signature.objects.visible_to(request.user).select_related("charter", "charter__city", "organization"), pk=pk
    )
    commitments = list(signature.commitments.select_related("kind", "qpv", "residence"))
    for commitment in commitments:
        commitment.signature = signature
    measures = measures_of(commitments)
    rows = [(c, c.progress(measures.get(c.pk))) for c in commitments]
    can_manage = signature.can_manage_commitments(request.user)
    return render(
        request,
        "charter/signature_detail.html",
        {
            "signature": signature,
            "charter": signature.charter,
            "rows": rows,
            "can_manage": can_manage,
            "kinds": signature.commitment_kinds() if can_manage else [],
            "replaced_by": Signature.objects.filter(replaces=signature).select_related("charter").first(),
        },
    )


def transition_form(request, pk, name, form_class, *, title, intro, button, success, kwargs, form_kwargs=None):
    """GET shows the form of a transition that needs input; POST runs it (see run_transition)."""
    signature = get_object_or_404(
        Signature.objects.visible_to(request.user).select_related("charter", "charter__city", "organization"), pk=pk
    )
    if not user_may(signature, name, request.user):
        raise PermissionDenied
    if not can_proceed(getattr(signature, name)):
        messages.warning(request, STALE_MESSAGE)
        return redirect(signature)
    form = form_class(request.POST or None, **(form_kwargs(signature) if form_kwargs else {}))
    if request.method == "POST" and form.is_valid():
        run_transition(request, signature, name, success=success, **kwargs(form.cleaned_data))
        return redirect(signature)
    return render(
        request,
        "charter/signature_form.html",
        {
            "signature": signature,
            "charter": signature.charter,
            "form": form,
            "title": title,
            "intro": intro,
            "button": button,
            "show_text": name == "sign",
            "danger": name == "withdraw",
        },
    )


def signature_sign(request, pk):
    return transition_form(
        request,
        pk,
        "sign",
        SignForm,
        title="Signer la charte",
        intro="Relisez le texte : la signature porte sur ce texte exact, identifié par son empreinte.",
        button="Signer la charte",
        success="La charte est signée. Votre attestation de signature est disponible ci-dessous.",
        kwargs=lambda data: {
            "signatory_name": data["name"],
            "signatory_function": data["function"],
            "fingerprint": data["fingerprint"],
        },
        form_kwargs=lambda signature: {
            "organization": signature.organization,
            "initial": {
                "name": request.user.full_name,
                "fingerprint": signature.charter.fingerprint,
            },
        },
    )


def signature_decline(request, pk):
    return transition_form(
        request,
        pk,
        "decline",
        DeclineForm,
        title="Décliner l'invitation",
        intro="Votre organisation ne signera pas cette version de la charte.",
        button="Décliner l'invitation",
        success="L'invitation est déclinée ; la collectivité en est informée sur son tableau de suivi.",
        kwargs=lambda data: {"reason": data["reason"]},
    )


def signature_withdraw(request, pk):
    return transition_form(
        request,
        pk,
        "withdraw",
        WithdrawForm,
        title="Retirer l'adhésion",
        intro="Votre organisation ne sera plus signataire de cette charte ; ses engagements ne seront plus suivis. "
        "L'adhésion et son attestation restent consultables.",
        button="Retirer l'adhésion",
        success="L'adhésion est retirée.",
        kwargs=lambda data: {"reason": data["reason"]},
    )


def signature_certificate(request, pk):
    signature = get_object_or_404(
        Signature.objects.visible_to(request.user).select_related("charter", "charter__city", "organization"), pk=pk
    )
    if not signature.has_certificate:
        raise Http404("Cette adhésion n'a pas été signée.")
    filename = f"attestation-{slugify(signature.organization.name)}-charte-v{signature.charter.number}.pdf"
    return pdf_response(pdf.certificate_pdf(signature), filename)


# Commitments


def managed_signature(request, signature):
    """403 for the wrong role; None (with a message) when the adhesion no longer takes commitments."""
    if not request.user.is_admin_of(signature.organization_id):
        raise PermissionDenied
    return signature.can_manage_commitments(request.user)


def commitment_add(request, pk):
    signature = get_object_or_404(
        Signature.objects.visible_to(request.user).select_related("charter", "organization"), pk=pk
    )
    if not managed_signature(request, signature):
        messages.warning(request, "Cette adhésion ne peut plus recevoir d'engagement.")
        return redirect(signature)
    kinds = signature.commitment_kinds()
    code = request.POST.get("kind") or request.GET.get("kind")
    kind = kinds.filter(code=code).first() if code else None
    if kind is None:
        return render(request, "charter/commitment_kinds.html", {"signature": signature, "kinds": kinds})
    form = CommitmentForm(request.POST or None, kind=kind, signature=signature)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            commitment = Commitment(signature=signature, kind=kind, created_by=request.user, **form.values())
            if signature.state == Signature.State.SIGNED:
                commitment.activate(on=timezone.localdate())
            commitment.save()
        messages.success(
            request,
            "Engagement enregistré et en vigueur."
            if commitment.in_force
            else "Engagement proposé : il entrera en vigueur à la signature.",
        )
        return redirect(signature)
    return render(
        request,
        "charter/commitment_form.html",
        {"signature": signature, "kind": kind, "form": form, "commitment": None},
    )


def editable_commitment(request, pk):
    commitment = get_object_or_404(
        Commitment.objects.visible_to(request.user).select_related(
            "kind", "signature", "signature__charter", "signature__organization"
        ),
        pk=pk,
    )
    if not managed_signature(request, commitment.signature) or not commitment.is_editable:
        messages.warning(request, "Un engagement en vigueur ne se modifie plus : il reste tel qu'il a été signé.")
        return commitment, False
    return commitment, True


def commitment_edit(request, pk):
    commitment, editable = editable_commitment(request, pk)
    signature = commitment.signature
    if not editable:
        return redirect(signature)
    initial = {
        "qpv": commitment.qpv_id,
        "residence": commitment.residence_id,
        "target_value": commitment.target_value,
        "target_choice": commitment.target_choice,
        "details": commitment.details,
        "due_date": commitment.due_date,
        "version": commitment.version,
    }
    form = CommitmentForm(
        request.POST or None, initial=initial, kind=commitment.kind, signature=signature, instance=commitment
    )
    if request.method == "POST" and form.is_valid():
        values = form.values()
        for name, value in values.items():
            setattr(commitment, name, value)
        try:
            commitment.save_if_current(form.cleaned_data.get("version") or 0, list(values))
        except StaleEdit:
            messages.error(
                request,
                "Quelqu'un a modifié cet engagement entre-temps. Vos changements n'ont pas été enregistrés : "
                "voici la version actuelle.",
            )
            return redirect("charter:commitment_edit", pk=commitment.pk)
        messages.success(request, "Engagement modifié.")
        return redirect(signature)
    return render(
        request,
        "charter/commitment_form.html",
        {"signature": signature, "kind": commitment.kind, "form": form, "commitment": commitment},
    )


@require_POST
def commitment_delete(request, pk):
    commitment, editable = editable_commitment(request, pk)
    if editable:
        commitment.delete()
        messages.success(request, "Proposition d'engagement supprimée.")
    return redirect(commitment.signature)
