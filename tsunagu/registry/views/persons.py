"""Resident pages: search (with live htmx results), the person page, and export. Each view parses its input,
asks a selector (which applies the access policy and writes the audit entry) and renders. The export is for
professionals (Capability.EXPORT_PERSONS): community members get the roster through the distribution register."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from tsunagu.access import policy
from tsunagu.core.output import attachment_header
from tsunagu.core.paging import page_number
from tsunagu.registry.exporting import ExportRefusedError, export_columns, exportable_persons, person_export
from tsunagu.registry.forms import FILTER_FIELDS, PersonExportForm, PersonSearchForm
from tsunagu.registry.selectors import person_detail, person_search

SEARCH_PAGE_SIZE = 50


def _wants_fragment(request: HttpRequest) -> bool:
    # A history restore (back button after the cache expired) needs the whole page, not the fragment.
    return bool(request.htmx) and not request.htmx.history_restore_request


@login_required
@require_GET
def person_search_view(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET, allow_former=policy.viewer_for(request.user).sees_former())
    result = None
    if form.is_valid():
        result = person_search(
            user=request.user,
            filters=form.filters(),
            page=page_number(request),
            page_size=SEARCH_PAGE_SIZE,
            request=request,
        )
    template = "registry/partials/search_results.html" if _wants_fragment(request) else "registry/search.html"
    context = {
        "form": form,
        "result": result,
        "fragment": _wants_fragment(request),
        "can_export": policy.can(request.user, policy.Capability.EXPORT_PERSONS),
    }
    response = render(request, template, context)
    # The same URL answers with a fragment or a page: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_GET
def person_detail_view(request: HttpRequest, person_id: str) -> HttpResponse:
    detail = person_detail(user=request.user, person_id=person_id, request=request)
    members = detail.household_members
    return render(request, "registry/detail.html", {"detail": detail, "person": detail.person, "members": members})


@policy.capability_required(policy.Capability.EXPORT_PERSONS)
@require_http_methods(["GET", "POST"])
def person_export_view(request: HttpRequest) -> HttpResponse:
    viewer = policy.viewer_for(request.user)
    allow_former = viewer.sees_former()
    data = request.POST if request.method == "POST" else request.GET
    filters_form = PersonSearchForm(data, allow_former=allow_former)
    if request.method == "POST":
        form = PersonExportForm(request.POST, allow_former=allow_former)
        if form.is_valid():
            try:
                result = person_export(
                    user=request.user,
                    filters=form.filters(),
                    purpose=form.cleaned_data["purpose"],
                    export_format=form.cleaned_data["export_format"],
                    request=request,
                )
            except ExportRefusedError as refusal:
                form.add_error(None, str(refusal))
            else:
                return HttpResponse(
                    result.content,
                    content_type=result.content_type,
                    headers={"Content-Disposition": attachment_header(result.filename)},
                )
    else:
        # The filters arrive from the search page's link; the purpose and the format are still to be chosen.
        form = PersonExportForm(initial=request.GET.dict(), allow_former=allow_former)
    count = None
    columns: list[str] = []
    if filters_form.is_valid():
        # A count and the column list reveal no one, so they need no audit entry.
        count = exportable_persons(user=request.user, filters=filters_form.filters()).count()
        columns = [c.header for c in export_columns()]
    search_query = urlencode([(k, v) for k, v in data.items() if k in FILTER_FIELDS and v])
    context = {
        "form": form,
        "filters_form": filters_form,
        "count": count,
        "columns": columns,
        # Persons seen through an agreement are left out of the file: the ward hands out their roster copies.
        "community_left_out": len(viewer.full_grants()) < len(viewer.grants()),
        "search_url": f"{reverse('registry:search')}?{search_query}" if search_query else reverse("registry:search"),
    }
    return render(request, "registry/export.html", context)
