"""A residence seen from the subscriptions: its funnel and charge, its legal basis (agreement, tenant
vote, opt-in) with the consultation letter and ballot, the landlord's share, the leases' opt-ins."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.pdf import render_pdf
from accounts.transitions import run_transition, user_may
from leases.models import Lease, Residence
from operators.models import Contract, ContractState

from ..charges import charter_ceilings, euros
from ..forms import (
    AgreementForm,
    ChargeSettingForm,
    ConsultationForm,
    EndBasisForm,
    OptInBasisForm,
    OptInForm,
    OptOutForm,
    VoteForm,
)
from ..models import (
    FUNNEL,
    ChargeSetting,
    LeaseOptIn,
    LegalBasis,
    Subscription,
    SubscriptionStatus,
    first_of_month,
    may_edit,
)
from .common import form_errors_to_messages, page_of, require_editor

STATUS_LABELS = dict(SubscriptionStatus.choices)
STALE_SETTING = (
    "Quelqu'un a modifié la part du bailleur de cette résidence pendant que vous la saisissiez : votre "
    "saisie n'a pas été enregistrée. Voici la valeur actuelle ; recommencez si besoin."
)


def visible_residence(request, pk):
    return get_object_or_404(Residence.objects.visible_to(request.user).select_related("landlord", "qpv"), pk=pk)


def visible_basis(request, pk):
    return get_object_or_404(
        LegalBasis.objects.visible_to(request.user).select_related("residence", "residence__landlord", "rule"), pk=pk
    )


def active_contracts(residence):
    return list(
        Contract.objects.filter(residences=residence, state=ContractState.ACTIVE).select_related("operator").distinct()
    )


def ceiling_of(landlord, day=None):
    """The charter ceiling (€ TTC a month) the landlord is committed to today, or None."""
    found = charter_ceilings({landlord.pk}, [day or timezone.localdate()])[landlord.pk][0]
    return euros(found) if found is not None else None


def charge_lines(residence, contracts, ceiling, setting):
    """Per contract: the full-month amount a tenant pays (after the ceiling) and whether it was capped."""
    lines = []
    for contract in contracts:
        amount = setting.tenant_amount(contract.unit_price_ttc) if setting else None
        capped = ceiling is not None and amount is not None and amount > ceiling
        lines.append({"contract": contract, "amount": min(amount, ceiling) if capped else amount, "capped": capped})
    return lines


def residence_detail(request, pk, setting_form=None):
    residence = visible_residence(request, pk)
    user = request.user
    landlord = residence.landlord
    is_member = user.has_role(landlord)
    sees_basis = is_member or user.has_territory
    can_edit = may_edit(user, landlord.pk)
    funnel = Subscription.objects.filter(lodging__residence=residence).funnel()
    contracts = active_contracts(residence)
    today = timezone.localdate()
    setting = ChargeSetting.objects.for_month(residence, today)
    ceiling = ceiling_of(landlord)
    basis = LegalBasis.open_for(residence) if sees_basis else None
    context = {
        "residence": residence,
        "funnel": [(s, STATUS_LABELS[s], funnel[s]) for s in FUNNEL],
        "terminated": funnel[SubscriptionStatus.TERMINATED],
        "dwellings": residence.lodgings.filter(exit_reason="").count(),
        "contracts": contracts,
        "is_member": is_member,
        "sees_basis": sees_basis,
        "can_edit": can_edit,
        "setting": setting,
        "settings": residence.charge_settings.select_related("created_by")[:12] if sees_basis else [],
        "ceiling": ceiling,
        "charges": charge_lines(residence, contracts, ceiling, setting),
        "basis": basis,
        "votes": list(basis.votes.all()) if basis else [],
        "past_bases": (
            residence.legal_bases.exclude(pk=getattr(basis, "pk", None)).prefetch_related("votes") if sees_basis else []
        ),
        "setting_form": setting_form
        or (ChargeSettingForm(**_setting_form_kwargs(residence, contracts, ceiling)) if can_edit else None),
    }
    if basis and basis.is_opt_in and is_member:
        leases = (
            Lease.objects.visible_to(user)
            .current_on(today)
            .filter(lodging__residence=residence)
            .select_related("lodging")
            .order_by("lodging__rpls_id")
        )
        page = page_of(request, leases)
        opt_ins = {o.lease_id: o for o in LeaseOptIn.objects.current().filter(lease__in=[lease.pk for lease in page])}
        for lease in page:
            lease.opt_in = opt_ins.get(lease.pk)
        context.update(
            {
                "leases": page,
                "opted_in": LeaseOptIn.objects.current().filter(lease__in=leases).count(),
                "opt_in_form": OptInForm(initial={"opted_in_on": today}),
                "opt_out_form": OptOutForm(initial={"opted_out_on": today}),
            }
        )
    return render(request, "subscriptions/residence_detail.html", context)


def _setting_form_kwargs(residence, contracts, ceiling):
    return {
        "residence": residence,
        "prices": [c.unit_price_ttc for c in contracts],
        "ceiling": ceiling,
        "landlord": residence.landlord,
    }


@require_POST
def charge_setting(request, pk):
    """The landlord's share from a month on: refused (nothing saved) above the charter ceiling."""
    residence = visible_residence(request, pk)
    require_editor(request.user, residence.landlord_id)
    contracts = active_contracts(residence)
    form = ChargeSettingForm(request.POST, **_setting_form_kwargs(residence, contracts, ceiling_of(residence.landlord)))
    if not form.is_valid():
        return residence_detail(request, pk, setting_form=form)
    data = form.cleaned_data
    with transaction.atomic():
        Residence.objects.select_for_update().get(pk=residence.pk)
        if (data["seen"] or 0) != ChargeSettingForm.last_recorded(residence):
            messages.error(request, STALE_SETTING)
            return redirect("subscriptions:residence_detail", pk=residence.pk)
        ChargeSetting.objects.update_or_create(
            residence=residence,
            valid_from=first_of_month(data["valid_from"]),
            defaults={
                "landlord_share_percent": data["landlord_share_percent"],
                "allocation_key": data["allocation_key"],
                "created_by": request.user,
                "created_at": timezone.now(),
            },
        )
    messages.success(
        request,
        f"Part du bailleur enregistrée : {data['landlord_share_percent']} % à partir de {data['valid_from']:%m/%Y}.",
    )
    return redirect("subscriptions:residence_detail", pk=residence.pk)


# Legal basis


def _basis_form_page(request, residence, form, *, title, intro, button, create):
    """GET: the form; POST: create the basis (one open basis per residence, checked in the model)."""
    require_editor(request.user, residence.landlord_id)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                Residence.objects.select_for_update().get(pk=residence.pk)
                basis = create(form.cleaned_data)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        except IntegrityError:
            messages.error(request, "La résidence a déjà une base juridique : rechargez la page.")
        else:
            return basis
    return render(
        request,
        "subscriptions/basis_form.html",
        {"residence": residence, "form": form, "title": title, "intro": intro, "button": button},
    )


def basis_agreement(request, pk):
    residence = visible_residence(request, pk)
    form = AgreementForm(request.POST or None)

    def create(data):
        return LegalBasis.record_agreement(
            residence=residence,
            signed_on=data["signed_on"],
            associations=data["associations"],
            effective_from=data["effective_from"],
            by=request.user,
        )

    result = _basis_form_page(
        request,
        residence,
        form,
        title="Accord collectif signé par les associations de locataires",
        intro="L'accord collectif (article 42 de la loi n° 86-1290) permet de refacturer l'accès à internet dans "
        "les charges de tous les locataires de la résidence. L'application enregistre l'accord ; elle n'en "
        "certifie pas la légalité.",
        button="Enregistrer l'accord",
        create=create,
    )
    if isinstance(result, LegalBasis):
        messages.success(request, "Accord collectif enregistré : la refacturation est possible.")
        return redirect(result)
    return result


def basis_consultation(request, pk):
    residence = visible_residence(request, pk)
    contracts = active_contracts(residence)
    setting = ChargeSetting.objects.for_month(residence, timezone.localdate())
    proposed = setting.tenant_amount(contracts[0].unit_price_ttc) if setting and contracts else None
    form = ConsultationForm(request.POST or None, initial={"proposed_charge": proposed})

    def create(data):
        return LegalBasis.start_consultation(
            residence=residence,
            proposed_charge=data["proposed_charge"],
            answer_by=data["answer_by"],
            by=request.user,
        )

    result = _basis_form_page(
        request,
        residence,
        form,
        title="Consulter les locataires sur une proposition d'accord collectif",
        intro="Le bailleur propose un accord collectif et consulte par écrit tous les foyers de la résidence. "
        "L'application produit la lettre de consultation et le bulletin de réponse, puis vérifie le résultat "
        "du vote : majorité des réponses, avec au moins 25 % de participation ; sinon une seconde consultation "
        "décide à la majorité des réponses.",
        button="Préparer la consultation",
        create=create,
    )
    if isinstance(result, LegalBasis):
        messages.success(request, "Consultation préparée : téléchargez la lettre et le bulletin de réponse.")
        return redirect(result)
    return result


def basis_opt_in(request, pk):
    residence = visible_residence(request, pk)
    form = OptInBasisForm(request.POST or None, initial={"effective_from": timezone.localdate()})

    def create(data):
        return LegalBasis.adopt_opt_in(residence=residence, effective_from=data["effective_from"], by=request.user)

    result = _basis_form_page(
        request,
        residence,
        form,
        title="Adhésion individuelle des locataires",
        intro="Sans accord collectif, seuls les locataires qui ont accepté le raccordement paient leur part "
        "(Cour de cassation, 29 janvier 2002, n° 99-17042) : enregistrez ensuite chaque adhésion, bail par bail.",
        button="Adopter l'adhésion individuelle",
        create=create,
    )
    if isinstance(result, LegalBasis):
        messages.success(request, "Adhésion individuelle adoptée : enregistrez les adhésions des locataires.")
        return redirect(result)
    return result


def basis_vote(request, pk):
    basis = visible_basis(request, pk)
    if not user_may(basis, "record_vote", request.user):
        raise PermissionDenied
    form = VoteForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_transition(
            request,
            basis,
            "record_vote",
            held_on=data["held_on"],
            consulted=data["consulted"],
            votes_for=data["votes_for"],
            votes_against=data["votes_against"],
            next_answer_by=data["next_answer_by"],
        )
        if done:
            level = {
                LegalBasis.State.IN_FORCE: messages.SUCCESS,
                LegalBasis.State.SECOND_ROUND: messages.WARNING,
            }.get(basis.state, messages.ERROR)
            messages.add_message(request, level, basis.outcome_reason)
            return redirect(basis)
    return render(
        request,
        "subscriptions/vote_form.html",
        {"basis": basis, "residence": basis.residence, "form": form, "rule": basis.rule},
    )


def basis_end(request, pk):
    basis = visible_basis(request, pk)
    if not user_may(basis, "end", request.user):
        raise PermissionDenied
    form = EndBasisForm(request.POST or None, initial={"on": timezone.localdate()})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_transition(
            request,
            basis,
            "end",
            on=form.cleaned_data["on"],
            reason=form.cleaned_data["reason"],
            success="La base juridique prend fin : aucune charge n'est plus appelée après cette date.",
        )
    ):
        return redirect(basis)
    return render(
        request,
        "subscriptions/basis_form.html",
        {
            "residence": basis.residence,
            "form": form,
            "title": "Mettre fin à la base juridique",
            "intro": f"{basis.get_kind_display()} : elle couvre encore les mois passés ; plus rien n'est refacturé "
            "après le dernier jour indiqué.",
            "button": "Mettre fin",
        },
    )


@require_POST
def basis_abandon(request, pk):
    basis = visible_basis(request, pk)
    run_transition(request, basis, "abandon", success="Consultation abandonnée.")
    return redirect(basis)


def _consultation_context(basis):
    residence = basis.residence
    contracts = active_contracts(residence)
    households = residence.lodgings.filter(exit_reason="").count()
    return {
        "basis": basis,
        "residence": residence,
        "landlord": residence.landlord,
        "contracts": contracts,
        "operator": contracts[0].operator if contracts else None,
        "households": households,
        "rule": basis.rule,
        "round": basis.current_round,
        "today": timezone.localdate(),
        "yearly": Decimal(str(basis.proposed_charge or 0)) * 12,
    }


def _pdf(request, pk, template, filename):
    basis = visible_basis(request, pk)
    if not may_edit(request.user, basis.residence.landlord_id):
        raise PermissionDenied
    if not basis.is_vote:
        messages.error(request, "Ce document accompagne une consultation des locataires.")
        return redirect(basis)
    content = render_pdf(template, _consultation_context(basis))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{basis.residence_id}.pdf"'
    return response


def basis_letter(request, pk):
    return _pdf(request, pk, "subscriptions/pdf/consultation_letter.html", "lettre-de-consultation")


def basis_ballot(request, pk):
    return _pdf(request, pk, "subscriptions/pdf/ballot.html", "bulletin-de-reponse")


# Individual opt-in, lease by lease


@require_POST
def lease_opt_in(request, pk):
    lease = get_object_or_404(Lease.objects.visible_to(request.user).select_related("lodging"), pk=pk)
    require_editor(request.user, lease.lodging.landlord_id)
    form = OptInForm(request.POST)
    back = redirect("subscriptions:residence_detail", pk=lease.lodging.residence_id)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return back
    day = form.cleaned_data["opted_in_on"]
    if day < lease.start:
        messages.error(request, f"L'adhésion ne peut pas précéder le début du bail ({lease.start:%d/%m/%Y}).")
        return back
    try:
        with transaction.atomic():
            LeaseOptIn.objects.create(lease=lease, opted_in_on=day, recorded_by=request.user)
    except IntegrityError:
        messages.warning(request, f"Le bail {lease.reference} a déjà une adhésion en cours.")
    else:
        messages.success(request, f"Adhésion du bail {lease.reference} enregistrée au {day:%d/%m/%Y}.")
    return back


@require_POST
def lease_opt_out(request, pk):
    opt_in = get_object_or_404(LeaseOptIn.objects.visible_to(request.user).select_related("lease__lodging"), pk=pk)
    require_editor(request.user, opt_in.lease.lodging.landlord_id)
    form = OptOutForm(request.POST)
    back = redirect("subscriptions:residence_detail", pk=opt_in.lease.lodging.residence_id)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return back
    day = form.cleaned_data["opted_out_on"]
    if opt_in.opted_out_on is not None:
        messages.warning(request, "Cette adhésion a déjà pris fin.")
    elif day < opt_in.opted_in_on:
        messages.error(request, "La renonciation ne peut pas précéder l'adhésion.")
    else:
        LeaseOptIn.objects.filter(pk=opt_in.pk, opted_out_on__isnull=True).update(opted_out_on=day)
        messages.success(request, f"Renonciation du bail {opt_in.lease.reference} enregistrée au {day:%d/%m/%Y}.")
    return back
