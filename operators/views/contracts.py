"""Contracts: signatures after the standstill, the signed document, termination."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from accounts.transitions import user_may

from ..forms import ContractSignForm, SignatureForm, TerminateForm
from ..models import Contract
from ..releases import release_on_commit
from .common import fingerprint, run, serve


def visible_contract(request, pk):
    return get_object_or_404(
        Contract.objects.visible_to(request.user).select_related("tender", "landlord", "operator"), pk=pk
    )


def contract_list(request):
    contracts = (
        Contract.objects.visible_to(request.user)
        .select_related("tender", "landlord", "operator")
        .order_by("-created_at")
    )
    return render(request, "operators/contract_list.html", {"contracts": contracts})


def contract_detail(request, pk):
    contract = visible_contract(request, pk)
    return render(
        request,
        "operators/contract_detail.html",
        {
            "contract": contract,
            "tender": contract.tender,
            "residences": contract.residences.select_related("qpv").with_counts().order_by("commune_name", "name"),
        },
    )


def signature_form(request, contract, name, form_class, template_title):
    if not user_may(contract, name, request.user):
        raise PermissionDenied
    if not contract.standstill_over():
        messages.error(request, contract.signature_errors(signed_on=contract.earliest_signature_at.date())[0])
        return None, redirect(contract)
    return form_class(request.POST or None, request.FILES or None), None


def contract_operator_sign(request, pk):
    contract = visible_contract(request, pk)
    form, refused = signature_form(request, contract, "operator_sign", SignatureForm, "")
    if refused:
        return refused
    if request.method == "POST" and form.is_valid():
        run(
            request,
            contract,
            "operator_sign",
            signed_on=form.cleaned_data["signed_on"],
            success="Signature de l'opérateur enregistrée : le bailleur signe à son tour.",
        )
        return redirect(contract)
    return render(
        request,
        "operators/contract_sign.html",
        {"form": form, "contract": contract, "title": "Signature de l'opérateur"},
    )


def contract_sign(request, pk):
    contract = visible_contract(request, pk)
    form, refused = signature_form(request, contract, "sign", ContractSignForm, "")
    if refused:
        return refused
    if request.method == "POST" and form.is_valid():
        document = form.cleaned_data["document"]
        digest = fingerprint(document)
        tender = contract.tender

        def then():
            contract.signed_document_sha256 = digest
            contract.save(update_fields=["signed_document_sha256"])
            tender.mark_contracted(by=request.user)
            tender.save()

        if run(
            request,
            contract,
            "sign",
            signed_on=form.cleaned_data["signed_on"],
            document=document,
            start=form.cleaned_data["start"],
            then=then,
            success="Marché signé : il est en cours d'exécution.",
        ):
            release_on_commit(tender=tender, tag="contract", contract=contract)
        return redirect(contract)
    return render(
        request, "operators/contract_sign.html", {"form": form, "contract": contract, "title": "Signer le marché"}
    )


def contract_terminate(request, pk):
    contract = visible_contract(request, pk)
    if not user_may(contract, "terminate", request.user):
        raise PermissionDenied
    form = TerminateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if run(
            request,
            contract,
            "terminate",
            on=form.cleaned_data["on"],
            reason=form.cleaned_data["reason"],
            success="Marché résilié.",
        ):
            release_on_commit(tender=contract.tender, tag="contractTermination", contract=contract)
        return redirect(contract)
    return render(
        request, "operators/contract_sign.html", {"form": form, "contract": contract, "title": "Résilier le marché"}
    )


def contract_document(request, pk):
    contract = visible_contract(request, pk)
    if not (request.user.has_role(contract.landlord) or request.user.has_role(contract.operator)):
        raise PermissionDenied
    return serve(contract.signed_document, f"marche-{contract.reference}-signe.pdf")
