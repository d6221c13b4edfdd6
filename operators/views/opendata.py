"""The public open data (domain.md §8): the OCDS release package and a page that lists what it holds.

Public (`@login_not_required`): only stored releases are read, never a tender's live data, so what
the public sees is what the releases said when each event happened (nothing sealed, by construction
of `releases.build_release`).
"""

import json

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from ..models import Release, Tender
from ..releases import LICENSE_URL, published_releases, release_package
from ..tables import OpenDataTable


@login_not_required
@require_GET
def open_data(request):
    tenders = (
        Tender.objects.filter(Exists(Release.objects.published().filter(tender=OuterRef("pk"))))
        .select_related("landlord")
        .annotate(release_count=Count("releases"))
    )
    table = OpenDataTable(tenders)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "operators/open_data.html", {"table": table, "license_url": LICENSE_URL})


@login_not_required
@require_GET
def ocds_package(request):
    package = release_package(published_releases())
    response = HttpResponse(
        json.dumps(package, ensure_ascii=False, separators=(",", ":")), content_type="application/json; charset=utf-8"
    )
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response
