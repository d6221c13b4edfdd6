from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .filters import OrganizationFilter
from .forms import InviteForm, OrganizationAddForm, OrganizationEditForm
from .invitations import AlreadyMember, invite_member
from .models import Enrolment, Membership, Organization, Role, StaleEdit
from .registry import done_steps, registry
from .tables import OrganizationTable


def home(request):
    user = request.user
    memberships = user.memberships_cached
    kinds = user.kinds
    panels = []
    for panel in sorted(registry.home_panels, key=lambda p: p.order):
        if panel.kinds & kinds:
            context = panel.context(request) if panel.context else {}
            panels.append((panel.template_name, context))
    done = done_steps([m.organization for m in memberships])
    steps = [(m, done[m.organization_id]) for m in memberships]
    return render(request, "home.html", {"memberships": memberships, "kinds": kinds, "panels": panels, "steps": steps})


@login_not_required
def legal_page(request, template):
    return render(request, f"pages/{template}.html")


def organization_list(request):
    queryset = Organization.objects.visible_to(request.user).prefetch_related("territory")
    filterset = OrganizationFilter(request.GET, queryset=queryset)
    table = OrganizationTable(filterset.qs, request=request)
    table.paginate(page=request.GET.get("page", 1), per_page=50)
    can_add = sponsor_orgs(request.user).exists()
    return render(
        request,
        "accounts/organization_list.html",
        {"filter": filterset, "table": table, "can_add": can_add},
    )


def organization_detail(request, pk):
    organization = get_object_or_404(Organization.objects.visible_to(request.user), pk=pk)
    is_member = request.user.has_role(organization)
    memberships = (
        Membership.objects.visible_to(request.user)
        .filter(organization=organization)
        .select_related("user")
        .order_by("user__email")
    )
    return render(
        request,
        "accounts/organization_detail.html",
        {
            "organization": organization,
            "is_member": is_member,
            "is_admin": request.user.is_admin_of(organization),
            "memberships": memberships,
            "territory": organization.territory_codes,
            "enrolled_by": Organization.objects.visible_to(request.user).filter(enrolled__organization=organization),
            "invite_form": InviteForm(),
            "can_invite_first_admin": can_invite_first_admin(request.user, organization),
        },
    )


def sponsor_orgs(user):
    """The city or State organisations whose admin this user is: they may enrol others."""
    return Organization.objects.territorial().filter(memberships__user=user, memberships__role=Role.ADMIN)


def can_invite_first_admin(user, organization):
    return not organization.has_admin() and sponsor_orgs(user).filter(enrolled__organization=organization).exists()


def organization_add(request):
    sponsors = sponsor_orgs(request.user)
    if not sponsors.exists():
        raise PermissionDenied
    form = OrganizationAddForm(request.POST or None, sponsors=sponsors)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            organization = form.existing or Organization.create_with_territory(
                kind=data["kind"], siren=data["siren"], name=data["name"], territory=data["territory"]
            )
            _, enrolled = Enrolment.objects.get_or_create(
                organization=organization,
                enrolled_by=data["enrolled_by"],
                defaults={"created_by": request.user},
            )
            invited = False
            if data["admin_email"] and not organization.has_admin():
                invite_member(organization=organization, email=data["admin_email"], role=Role.ADMIN, by=request.user)
                invited = True
        if form.existing:
            messages.info(
                request,
                f"« {organization} » existait déjà avec ce SIREN : elle a été rattachée à votre territoire "
                "sans être créée une seconde fois."
                if enrolled
                else f"« {organization} » était déjà rattachée à votre territoire.",
            )
        else:
            messages.success(request, f"L'organisation « {organization} » a été créée.")
        if invited:
            messages.success(request, f"Une invitation a été envoyée à {data['admin_email']}.")
        return redirect(organization)
    return render(request, "accounts/organization_add.html", {"form": form})


def organization_edit(request, pk):
    organization = get_object_or_404(Organization.objects.visible_to(request.user), pk=pk)
    if not request.user.is_admin_of(organization):
        raise PermissionDenied
    initial = {"name": organization.name, "version": organization.version}
    if organization.is_territorial:
        initial["territory"] = ", ".join(organization.territory_codes)
    form = OrganizationEditForm(request.POST or None, initial=initial, organization=organization)
    if request.method == "POST" and form.is_valid():
        organization.name = form.cleaned_data["name"]
        try:
            with transaction.atomic():
                organization.save_if_current(form.cleaned_data["version"], ["name"])
                if organization.is_territorial:
                    organization.set_territory(form.cleaned_data["territory"])
        except StaleEdit:
            messages.error(
                request,
                "Quelqu'un a modifié cette organisation pendant que vous la modifiiez. "
                "Vos changements n'ont pas été enregistrés : voici la version actuelle.",
            )
            return redirect("accounts:organization_edit", pk=organization.pk)
        messages.success(request, "Les informations de l'organisation ont été enregistrées.")
        return redirect(organization)
    return render(request, "accounts/organization_edit.html", {"form": form, "organization": organization})


@require_POST
def member_invite(request, pk):
    organization = get_object_or_404(Organization.objects.visible_to(request.user), pk=pk)
    first_admin = can_invite_first_admin(request.user, organization)
    if not (request.user.is_admin_of(organization) or first_admin):
        raise PermissionDenied
    form = InviteForm(request.POST)
    if form.is_valid():
        role = Role.ADMIN if first_admin and not request.user.is_admin_of(organization) else form.cleaned_data["role"]
        try:
            with transaction.atomic():
                invite_member(
                    organization=organization,
                    email=form.cleaned_data["email"],
                    full_name=form.cleaned_data["full_name"],
                    role=role,
                    by=request.user,
                )
        except AlreadyMember:
            messages.error(request, f"{form.cleaned_data['email']} fait déjà partie de cette organisation.")
        else:
            messages.success(request, f"Une invitation a été envoyée à {form.cleaned_data['email']}.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(organization)


@require_POST
def member_remove(request, pk):
    membership = get_object_or_404(
        Membership.objects.visible_to(request.user).select_related("organization", "user"), pk=pk
    )
    organization = membership.organization
    if not request.user.is_admin_of(organization):
        raise PermissionDenied
    if membership.is_last_admin():
        messages.error(request, "Impossible de retirer le dernier administrateur de l'organisation.")
    else:
        membership.delete()
        messages.success(request, f"{membership.user.email} ne fait plus partie de {organization}.")
    return redirect(organization)
