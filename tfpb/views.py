from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.exports import XLSX_CONTENT_TYPE
from accounts.models import Kind, Organization, StaleEdit
from accounts.pdf import render_pdf
from accounts.transitions import STALE_MESSAGE, run_transition

from . import exports
from .forms import (
    ActionEditForm,
    ActionForm,
    ConventionEditForm,
    ConventionForm,
    LineForm,
    ProgrammeForm,
    SendBackForm,
    SignForm,
    YearForm,
)
from .models import (
    EDITORS,
    Action,
    ActionComment,
    ActionLine,
    Convention,
    ConventionParty,
    ConventionState,
    Decision,
    FrozenReport,
    PartyRole,
    Programme,
    Report,
    ReportReview,
    ReportState,
    totals_of,
)
from .valuation import NO_PROPOSAL, connectivity_proposal

STALE_EDIT_MESSAGE = (
    "Quelqu'un a enregistré une modification pendant que vous saisissiez la vôtre. "
    "Vos changements n'ont pas été enregistrés : voici la version actuelle."
)


def landlords_edited_by(user):
    return Organization.objects.filter(
        kind=Kind.LANDLORD, memberships__user=user, memberships__role__in=EDITORS
    ).order_by("name")


def conventions_for(user):
    return (
        Convention.objects.visible_to(user)
        .select_related("landlord")
        .prefetch_related("parties__organization", "qpvs", "reports")
    )


def reports_for(user):
    return Report.objects.visible_to(user).select_related("convention__landlord")


# Home panel (registered in apps.py) ------------------------------------------------------------


def home_panel(request):
    """Landlords: their conventions and reports; city and State staff: the reports awaiting them."""
    user = request.user
    reports = list(
        reports_for(user)
        .filter(state__in=[ReportState.SUBMITTED, ReportState.RESUBMITTED, ReportState.DRAFT, ReportState.RETURNED])
        .prefetch_related("convention__parties", "reviews")
        .order_by("year", "convention__landlord__name")
    )
    to_review = [r for r in reports if r.is_under_review and r.pending_party_for(user)]
    to_write = [r for r in reports if r.is_editable and r.convention.can_edit(user)]
    conventions = [c for c in conventions_for(user) if c.parties_to_sign_by(user)]
    return {"to_review": to_review, "to_write": to_write, "to_sign": conventions}


# Conventions -----------------------------------------------------------------------------------


def convention_list(request):
    conventions = conventions_for(request.user)
    return render(
        request,
        "tfpb/convention_list.html",
        {"conventions": conventions, "can_create": landlords_edited_by(request.user).exists()},
    )


def convention_detail(request, pk):
    convention = get_object_or_404(conventions_for(request.user), pk=pk)
    deadline = convention.signature_deadline()
    parties = [(party, party.signed_on_time(deadline)) for party in convention.parties.all()]
    reports = {r.year: r for r in convention.reports.all()}
    today = timezone.localdate()
    years = [
        {
            "year": year,
            "report": reports.get(year),
            "due": convention.report_due_date(year),
            "can_open": convention.can_open_report(year, today),
        }
        for year in convention.years
    ]
    return render(
        request,
        "tfpb/convention_detail.html",
        {
            "convention": convention,
            "parties": parties,
            "rule": convention.signature_rule(),
            "deadline": deadline,
            "years": years,
            "today": today,
            "can_edit": convention.can_edit(request.user),
            "can_edit_content": convention.can_edit(request.user) and convention.is_editable,
            "can_add_lines": convention.can_add_lines(request.user),
            "local_lines": convention.local_lines.select_related("axis"),
            "shared_lines": ActionLine.objects.filter(convention__isnull=True).select_related("axis"),
        },
    )


def _parties_initial(convention):
    parties = list(convention.parties.all())
    state = next((p for p in parties if p.role == PartyRole.STATE), None)
    epci = next((p for p in parties if p.role == PartyRole.EPCI), None)
    return {
        "communes": [p.organization_id for p in parties if p.role == PartyRole.COMMUNE],
        "epci": epci.organization_id if epci else None,
        "state": state.organization_id if state else None,
        "state_reviews": state.reviews_reports if state else True,
    }


def _save_content(convention, data):
    """Write the form's content and replace the parties (nobody signed yet). Caller holds a transaction."""
    convention.qpvs.set(data["qpvs"])
    convention.parties.all().delete()
    parties = [ConventionParty(organization=convention.landlord, role=PartyRole.LANDLORD)]
    parties += [ConventionParty(organization=c, role=PartyRole.COMMUNE, reviews_reports=True) for c in data["communes"]]
    if data["epci"]:
        parties.append(ConventionParty(organization=data["epci"], role=PartyRole.EPCI, reviews_reports=True))
    parties.append(
        ConventionParty(organization=data["state"], role=PartyRole.STATE, reviews_reports=data["state_reviews"])
    )
    for party in parties:
        party.convention = convention
    ConventionParty.objects.bulk_create(parties)


CONTENT_FIELDS = ["reference", "start_year", "end_year", "report_due_day", "report_due_month"]


def convention_create(request):
    landlords = list(landlords_edited_by(request.user))
    if not landlords:
        raise PermissionDenied
    form = ConventionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            convention = Convention(landlord=landlords[0], created_by=request.user)
            for name in CONTENT_FIELDS:
                setattr(convention, name, form.cleaned_data[name])
            convention.save()
            _save_content(convention, form.cleaned_data)
        messages.success(request, "La convention a été créée. Chaque partie la signe maintenant pour elle-même.")
        return redirect(convention)
    return render(request, "tfpb/convention_form.html", {"form": form, "landlord": landlords[0]})


def convention_edit(request, pk):
    convention = get_object_or_404(conventions_for(request.user), pk=pk)
    if not convention.can_edit(request.user):
        raise PermissionDenied
    if not convention.is_editable:
        messages.warning(request, "Une partie a déjà signé : le contenu de la convention ne peut plus changer.")
        return redirect(convention)
    initial = {name: getattr(convention, name) for name in CONTENT_FIELDS}
    initial |= {"version": convention.version, "qpvs": [q.pk for q in convention.qpvs.all()]}
    initial |= _parties_initial(convention)
    form = ConventionEditForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        for name in CONTENT_FIELDS:
            setattr(convention, name, form.cleaned_data[name])
        try:
            with transaction.atomic():
                # The version check also loses against a signature made meanwhile (sign claims the version).
                convention.save_if_current(form.cleaned_data["version"], CONTENT_FIELDS)
                _save_content(convention, form.cleaned_data)
        except StaleEdit:
            messages.error(request, STALE_EDIT_MESSAGE)
            return redirect("tfpb:convention_edit", pk=convention.pk)
        messages.success(request, "La convention a été modifiée.")
        return redirect(convention)
    return render(
        request, "tfpb/convention_form.html", {"form": form, "landlord": convention.landlord, "convention": convention}
    )


def convention_sign(request, pk):
    convention = get_object_or_404(conventions_for(request.user), pk=pk)
    if not any(request.user.is_admin_of(p.organization_id) for p in convention.parties.all()):
        raise PermissionDenied
    if convention.state != ConventionState.DRAFT or not convention.parties_to_sign_by(request.user):
        messages.warning(request, "Votre organisation a déjà signé cette convention.")
        return redirect(convention)
    party = convention.parties_to_sign_by(request.user)[0]
    form = SignForm(request.POST or None, initial={"signed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        done = run_transition(
            request,
            convention,
            "sign",
            signed_on=form.cleaned_data["signed_on"],
            success=f"{party.organization} a signé la convention.",
        )
        if done and convention.state == ConventionState.SIGNED:
            messages.success(request, "Toutes les parties ont signé : la convention est signée.")
        return redirect(convention)
    return render(
        request,
        "tfpb/convention_sign.html",
        {
            "convention": convention,
            "party": party,
            "form": form,
            "rule": convention.signature_rule(),
            "deadline": convention.signature_deadline(),
        },
    )


def line_add(request, pk):
    convention = get_object_or_404(conventions_for(request.user), pk=pk)
    if not convention.can_add_lines(request.user):
        raise PermissionDenied
    form = LineForm(request.POST or None, convention=convention)
    if request.method == "POST" and form.is_valid():
        ActionLine.objects.create(
            convention=convention, axis=form.cleaned_data["axis"], label=form.cleaned_data["label"].strip()
        )
        messages.success(request, "La ligne d'action locale a été ajoutée à la convention.")
        return redirect(f"{convention.get_absolute_url()}#lignes")
    return render(request, "tfpb/line_form.html", {"convention": convention, "form": form})


# Reports ---------------------------------------------------------------------------------------


@require_POST
def report_open(request, pk):
    convention = get_object_or_404(conventions_for(request.user), pk=pk)
    if not convention.can_edit(request.user):
        raise PermissionDenied
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = None
    try:
        report = Report.open(convention=convention, year=year)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(convention)
    return redirect(report)


def _report(request, pk, queryset=None):
    queryset = queryset if queryset is not None else reports_for(request.user)
    return get_object_or_404(queryset.prefetch_related("convention__parties__organization"), pk=pk)


def report_detail(request, pk):
    report = _report(request, pk)
    user = request.user
    programmes = list(
        Programme.objects.filter(report=report)
        .select_related("qpv")
        .with_totals()
        .prefetch_related(
            Prefetch(
                "actions",
                Action.objects.select_related("axis", "line").prefetch_related(
                    Prefetch("comments", ActionComment.objects.select_related("review__party__organization"))
                ),
            )
        )
    )
    landlord = report.convention.landlord
    for programme in programmes:
        programme.proposal = connectivity_proposal(landlord=landlord, qpv=programme.qpv, year=report.year)
    reviews = list(ReportReview.objects.filter(report=report).select_related("party__organization", "by"))
    current = {r.party_id: r for r in reviews if r.round == report.round}
    return render(
        request,
        "tfpb/report_detail.html",
        {
            "report": report,
            "convention": report.convention,
            "programmes": programmes,
            "totals": totals_of(programmes),
            "reviews": reviews,
            "review_status": [(p, current.get(p.pk)) for p in report.reviewing_parties()],
            "can_edit": report.is_editable and report.convention.can_edit(user),
            "problems": report.problems() if report.is_editable else [],
            "no_proposal": NO_PROPOSAL,
            "returned_review": last_return(report, reviews),
        },
    )


def last_return(report, reviews):
    """The review that returned the report, while it is returned."""
    if report.state != ReportState.RETURNED:
        return None
    return next((r for r in reversed(reviews) if r.decision == Decision.RETURNED), None)


@require_POST
def report_submit(request, pk):
    report = _report(request, pk)
    run_transition(request, report, "submit", success="Le bilan a été transmis aux parties qui l'examinent.")
    return redirect(report)


@require_POST
def report_resubmit(request, pk):
    report = _report(request, pk)
    run_transition(request, report, "resubmit", success="Le bilan corrigé a été transmis à nouveau.")
    return redirect(report)


def _check_reviewer(request, report):
    """403 for who is no reviewer; a friendly redirect when the opinion was already given."""
    if not report.reviewer_parties_of(request.user):
        raise PermissionDenied
    if not report.is_under_review:
        messages.warning(request, STALE_MESSAGE)
        return False
    if report.pending_party_for(request.user) is None:
        messages.info(request, "Votre organisation a déjà donné son avis sur cette transmission du bilan.")
        return False
    return True


@require_POST
def report_validate(request, pk):
    report = _report(request, pk)
    if _check_reviewer(request, report):
        party = report.pending_party_for(request.user)
        done = run_transition(request, report, "validate", success=f"Avis de {party.organization} enregistré : validé.")
        if done and report.state == ReportState.VALIDATED:
            messages.success(request, "Toutes les parties ont validé : le bilan est validé.")
    return redirect(report)


def report_send_back(request, pk):
    report = _report(request, pk)
    if not _check_reviewer(request, report):
        return redirect(report)
    actions = Action.objects.filter(programme__report=report).select_related("programme__qpv")
    form = SendBackForm(request.POST or None, actions=actions)
    if request.method == "POST" and form.is_valid():
        run_transition(
            request,
            report,
            "send_back",
            comment=form.cleaned_data["comment"],
            line_comments=form.line_comments(),
            success="Le bilan a été renvoyé au bailleur avec vos observations.",
        )
        return redirect(report)
    return render(
        request,
        "tfpb/report_send_back.html",
        {"report": report, "form": form, "party": report.pending_party_for(request.user)},
    )


def report_xlsx(request, pk):
    report = _report(request, pk)
    content = exports.report_xlsx(report)
    return _download(content, XLSX_CONTENT_TYPE, f"bilan-tfpb-{report.year}-{report.convention.landlord.siren}.xlsx")


def report_pdf(request, pk):
    report = _report(request, pk)
    content = render_pdf("tfpb/pdf/report.html", exports.report_context(report))
    return _download(content, "application/pdf", f"bilan-tfpb-{report.year}-{report.convention.landlord.siren}.pdf")


def _download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Programmes and actions ------------------------------------------------------------------------


def _editable(request, report):
    """403 for who may not write the landlord's report; False (with a message) once it is frozen."""
    if not report.convention.can_edit(request.user):
        raise PermissionDenied
    if not report.is_editable:
        messages.error(request, FrozenReport().messages[0])
        return False
    return True


def _programme(request, pk):
    return get_object_or_404(
        Programme.objects.visible_to(request.user).select_related("report__convention__landlord", "qpv"), pk=pk
    )


def _action(request, pk):
    return get_object_or_404(
        Action.objects.filter(programme__in=Programme.objects.visible_to(request.user)).select_related(
            "programme__report__convention__landlord", "programme__qpv", "line", "axis"
        ),
        pk=pk,
    )


def programme_edit(request, pk):
    programme = _programme(request, pk)
    report = programme.report
    if not _editable(request, report):
        return redirect(report)
    form = ProgrammeForm(
        request.POST or None, initial={"abatement_amount": programme.abatement_amount, "version": programme.version}
    )
    if request.method == "POST" and form.is_valid():
        programme.abatement_amount = form.cleaned_data["abatement_amount"]
        programme.refresh_dwellings()
        try:
            programme.save_if_current(
                form.cleaned_data["version"], ["abatement_amount", "dwellings_count", "dwellings_counted_on"]
            )
        except StaleEdit:
            messages.error(request, STALE_EDIT_MESSAGE)
            return redirect("tfpb:programme_edit", pk=programme.pk)
        except FrozenReport as error:
            messages.error(request, error.messages[0])
            return redirect(report)
        messages.success(request, f"Montant de l'abattement enregistré pour {programme.qpv}.")
        return redirect(programme)
    return render(request, "tfpb/programme_form.html", {"programme": programme, "report": report, "form": form})


def _proposal_for(programme):
    return connectivity_proposal(
        landlord=programme.report.convention.landlord, qpv=programme.qpv, year=programme.report.year
    )


def action_add(request, pk):
    programme = _programme(request, pk)
    report = programme.report
    if not _editable(request, report):
        return redirect(report)
    proposal = _proposal_for(programme)
    form = ActionForm(request.POST or None, programme=programme, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        action = Action(programme=programme)
        form.apply(action)
        try:
            action.save()
        except FrozenReport as error:
            messages.error(request, error.messages[0])
            return redirect(report)
        messages.success(request, f"L'action « {action.title} » a été ajoutée.")
        return redirect(programme)
    return render(
        request,
        "tfpb/action_form.html",
        {"programme": programme, "report": report, "form": form, "proposal": proposal, "no_proposal": NO_PROPOSAL},
    )


def action_edit(request, pk):
    action = _action(request, pk)
    programme, report = action.programme, action.programme.report
    if not _editable(request, report):
        return redirect(report)
    proposal = _proposal_for(programme)
    initial = {
        "target": ActionForm.target_of(action),
        "version": action.version,
        **{
            name: getattr(action, name)
            for name in [
                "title",
                "description",
                "planned_amount",
                "realised_amount",
                "dwellings_concerned",
                "indicators",
                "override_reason",
            ]
        },
    }
    form = ActionEditForm(request.POST or None, initial=initial, programme=programme, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        fields = form.apply(action)
        try:
            action.save_if_current(form.cleaned_data["version"], fields)
        except StaleEdit:
            messages.error(request, STALE_EDIT_MESSAGE)
            return redirect("tfpb:action_edit", pk=action.pk)
        except FrozenReport as error:
            messages.error(request, error.messages[0])
            return redirect(report)
        messages.success(request, f"L'action « {action.title} » a été modifiée.")
        return redirect(programme)
    return render(
        request,
        "tfpb/action_form.html",
        {
            "programme": programme,
            "report": report,
            "form": form,
            "action": action,
            "proposal": proposal,
            "no_proposal": NO_PROPOSAL,
        },
    )


@require_POST
def action_delete(request, pk):
    action = _action(request, pk)
    programme, report = action.programme, action.programme.report
    if _editable(request, report):
        try:
            action.delete()
        except FrozenReport as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, f"L'action « {action.title} » a été supprimée.")
    return redirect(programme)


@require_POST
def action_accept_proposal(request, pk):
    """The landlord takes the amount the application proposes for the connectivity line."""
    action = _action(request, pk)
    programme, report = action.programme, action.programme.report
    if not _editable(request, report):
        return redirect(report)
    if not action.is_connectivity:
        messages.warning(
            request,
            "Pas de montant proposé pour cette action : seule la ligne « Accès à la connexion internet des "
            "locataires » en reçoit un.",
        )
        return redirect(programme)
    proposal = _proposal_for(programme)
    if proposal is None:
        messages.warning(request, f"Pas de montant proposé pour cette action : {NO_PROPOSAL} ({report.year}).")
        return redirect(programme)
    action.record_proposal(proposal)
    action.realised_amount, action.override_reason = proposal.total, ""
    try:
        action.save_if_current(
            request.POST.get("version"), ["realised_amount", "override_reason", "proposed_amount", "proposal_lines"]
        )
    except StaleEdit:
        messages.error(request, STALE_EDIT_MESSAGE)
    except FrozenReport as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Le montant proposé a été repris comme montant réalisé.")
    return redirect(programme)


# City-wide view ---------------------------------------------------------------------------------


def _years(request):
    years = sorted(set(reports_for(request.user).values_list("year", flat=True)), reverse=True)
    default = years[0] if years else timezone.localdate().year - 1
    form = YearForm(request.GET or None, years=years or [default])
    year = form.cleaned_data["year"] if form.is_valid() else default
    return form, year


def overview(request):
    """Per landlord and per QPV: abatement, valued actions, their ratio, connectivity, report status."""
    form, year = _years(request)
    programmes = list(
        Programme.objects.visible_to(request.user)
        .filter(report__year=year)
        .select_related("report__convention__landlord", "qpv")
        .with_totals()
        .order_by("report__convention__landlord__name", "qpv__code")
    )
    return render(
        request,
        "tfpb/overview.html",
        {"form": form, "year": year, "programmes": programmes, "totals": totals_of(programmes)},
    )


def year_xlsx(request):
    _, year = _years(request)
    content = exports.year_xlsx(reports_for(request.user).filter(year=year))
    return _download(content, XLSX_CONTENT_TYPE, f"bilans-tfpb-{year}.xlsx")
