"""Uploads, their checks and previews, confirmations, blank templates and the export."""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.exports import XLSX_CONTENT_TYPE
from accounts.models import Kind, Organization, Role
from accounts.transitions import run_transition

from ..exports import lodgings_xlsx, template_xlsx
from ..filters import LodgingFilter
from ..forms import UploadForm
from ..imports import SPECS
from ..models import ImportBatch, ImportKind, ImportState, Lodging
from ..tables import ImportBatchTable
from ..tasks import apply_batch, apply_import, forget_file, stored_path, validate_batch, validate_import

TEMPLATE_NAMES = {
    ImportKind.LODGINGS: "modele-logements-rpls.xlsx",
    ImportKind.LEASES: "modele-baux.xlsx",
    ImportKind.EQUIPMENT: "modele-equipement.xlsx",
}


PREVIEW_DEFAULTS = {
    "created": [],
    "updated": [],
    "absent": [],
    "ignored": [],
    "residences_created": 0,
    "revised": False,
}


def landlords_of(user, roles=None):
    """The landlords `user` belongs to (with one of `roles` when given)."""
    memberships = {"memberships__user": user}
    if roles:
        memberships["memberships__role__in"] = roles
    return Organization.objects.filter(kind=Kind.LANDLORD, **memberships).order_by("name").distinct()


def _kind(kind):
    if kind not in ImportKind.values:
        raise Http404
    return ImportKind(kind)


def _runs_inline(path):
    """Small files are checked (and written) during the request; larger ones by the worker."""
    return path.stat().st_size <= settings.IMPORT_INLINE_MAX_BYTES


def import_list(request):
    """The stock's history: every import of the user's landlords, newest first."""
    if not landlords_of(request.user).exists():
        raise PermissionDenied
    batches = ImportBatch.objects.visible_to(request.user).select_related("landlord", "created_by")
    table = ImportBatchTable(batches, request=request)
    table.paginate(page=request.GET.get("page", 1), per_page=50)
    can_upload = landlords_of(request.user, [Role.ADMIN, Role.MEMBER]).exists()
    return render(
        request,
        "leases/import_list.html",
        {"table": table, "can_upload": can_upload, "kinds": ImportKind.choices},
    )


def import_upload(request, kind):
    kind = _kind(kind)
    landlords = landlords_of(request.user, [Role.ADMIN, Role.MEMBER])
    if not landlords.exists():
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None, landlords=landlords)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        relative = Path("imports") / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
        path = Path(settings.MEDIA_ROOT) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as destination:
            for chunk in upload.chunks():
                destination.write(chunk)
        batch = ImportBatch(
            landlord=form.cleaned_data["landlord"],
            kind=kind,
            file_name=Path(upload.name).name[:255],
            stored_file=str(relative),
            created_by=request.user,
        )
        batch.save()
        if _runs_inline(path):
            validate_batch(batch)
        else:
            validate_import.enqueue(batch.pk)
        return redirect(batch)
    columns = [spec.column for spec in SPECS[kind]]
    return render(request, "leases/import_upload.html", {"form": form, "kind": kind, "columns": columns})


def import_detail(request, pk):
    batch = get_object_or_404(
        ImportBatch.objects.visible_to(request.user).select_related("landlord", "created_by"), pk=pk
    )
    auto_refresh = batch.is_running and request.GET.get("auto") != "0"
    preview = PREVIEW_DEFAULTS | batch.preview
    return render(
        request,
        "leases/import_detail.html",
        {
            "batch": batch,
            "preview": preview,
            "auto_refresh": auto_refresh,
            "can_edit": request.user.can_edit_for(batch.landlord),
            "states": ImportState,
        },
    )


@require_POST
def import_confirm(request, pk):
    batch = get_object_or_404(ImportBatch.objects.visible_to(request.user).select_related("landlord"), pk=pk)
    if run_transition(request, batch, "confirm"):
        if _runs_inline(stored_path(batch)):
            batch = apply_batch(batch, by=request.user)
            if batch.state == ImportState.APPLIED:
                messages.success(request, "L'import est enregistré.")
        else:
            apply_import.enqueue(batch.pk, request.user.pk)
    return redirect(batch)


@require_POST
def import_cancel(request, pk):
    batch = get_object_or_404(ImportBatch.objects.visible_to(request.user).select_related("landlord"), pk=pk)
    if run_transition(request, batch, "cancel", success="L'import est abandonné : rien n'a été enregistré."):
        forget_file(batch)
    return redirect(batch)


def import_template(request, kind):
    """A blank spreadsheet: the columns, a line of example, a notice."""
    kind = _kind(kind)
    response = HttpResponse(template_xlsx(kind), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_NAMES[kind]}"'
    return response


def lodging_export(request):
    """The dwellings the user sees, filtered as the lodging list is (same GET parameters: the
    list's "Exporter (xlsx)" link carries its query string), in RPLS columns."""
    filterset = LodgingFilter(request.GET, queryset=Lodging.objects.visible_to(request.user), request=request)
    response = HttpResponse(lodgings_xlsx(filterset.qs), content_type=XLSX_CONTENT_TYPE)
    name = f"logements-{timezone.localdate():%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
