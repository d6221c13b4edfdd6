"""What the subscriptions views share: finding what the user may see, who may act, transitions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Kind, Organization, memberships_of
from operators.models import Contract

from ..models import may_edit

PER_PAGE = 50


def visible_contract(request, pk):
    return get_object_or_404(
        Contract.objects.visible_to(request.user).select_related("landlord", "operator", "tender"), pk=pk
    )


def require_editor(user, organization_id):
    """403 unless admin or member of the organisation (a viewer reads only)."""
    if not may_edit(user, organization_id):
        raise PermissionDenied


def my_landlords(user):
    """The landlord organisations the user belongs to (any role)."""
    return Organization.objects.filter(kind=Kind.LANDLORD, pk__in=memberships_of(user).values("organization"))


def chosen_landlord(request):
    """The landlord a money page is about: ?landlord=<pk> among the user's, else its first; 404 if none."""
    landlords = list(my_landlords(request.user))
    if not landlords:
        raise Http404
    wanted = request.GET.get("landlord") or request.POST.get("landlord")
    for landlord in landlords:
        if str(landlord.pk) == wanted:
            return landlord, landlords
    if wanted:
        raise Http404
    return landlords[0], landlords


def page_of(request, queryset, per_page=PER_PAGE, name="page"):
    paginator = Paginator(queryset, per_page)
    try:
        return paginator.page(request.GET.get(name, 1))
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def form_errors_to_messages(request, form):
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
