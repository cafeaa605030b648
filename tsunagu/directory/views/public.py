"""The public pages of the directory: no sign-in, no personal data, nothing logged. Lists by district and kind,
the search by need, an entry's page, the 居場所マップ and its data, and the printable list of a district."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tsunagu.areas.models import District
from tsunagu.core.maps import map_settings
from tsunagu.core.output import attachment_header, output_filename
from tsunagu.directory.forms import DirectoryFilterForm, DirectorySearchForm
from tsunagu.directory.models import PLACE_KINDS, WINDOW_KINDS
from tsunagu.directory.pdf import render_district_pdf
from tsunagu.directory.selectors import (
    Entry,
    directory_list,
    directory_search,
    entries_for,
    kind_groups,
    map_features,
    public_service_get,
)
from tsunagu.directory.vocabulary import example_needs


@require_GET
def directory_index_view(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    district = kind = None
    if form.is_valid():
        district = form.cleaned_data["district"]
        kind = form.cleaned_data["kind"] or None
    entries = directory_list(today=timezone.localdate(), district=district, kind=kind)
    context = {
        "form": form,
        "search_form": DirectorySearchForm(),
        "examples": example_needs(),
        "district": district,
        "windows": [e for e in entries if e.service.kind in WINDOW_KINDS],
        "places": [e for e in entries if e.service.kind in PLACE_KINDS],
        "kind_groups": kind_groups(),
    }
    return render(request, "directory/index.html", context)


@require_GET
def directory_search_view(request: HttpRequest) -> HttpResponse:
    form = DirectorySearchForm(request.GET or None)
    result = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        town = form.cleaned_data["town"]
        result = directory_search(
            query=form.cleaned_data["q"], today=timezone.localdate(), town_id=town.pk if town else None
        )
    return render(request, "directory/search.html", {"form": form, "result": result, "examples": example_needs()})


@require_GET
def directory_detail_view(request: HttpRequest, service_id: str) -> HttpResponse:
    service = public_service_get(service_uuid=str(service_id))
    if service is None:
        raise Http404
    entry = entries_for([service], today=timezone.localdate())[0]
    public_url = request.build_absolute_uri(reverse("directory:detail", args=[service.uuid]))
    return render(request, "directory/detail.html", {"entry": entry, "service": service, "public_url": public_url})


@require_GET
def directory_map_view(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/map.html", {"map": map_settings()})


@require_GET
def directory_map_data_view(request: HttpRequest) -> JsonResponse:
    """GeoJSON of the places with a public position (core/map.js); hidden locations never appear."""
    features = map_features(today=timezone.localdate())
    for feature in features:
        feature["properties"]["url"] = reverse("directory:detail", args=[feature["properties"].pop("uuid")])
    return JsonResponse({"type": "FeatureCollection", "features": features})


@require_GET
def directory_district_pdf_view(request: HttpRequest, district_id: int) -> HttpResponse:
    district = get_object_or_404(District, pk=district_id)
    today = timezone.localdate()
    entries = directory_list(today=today, district=district)

    def url_for(entry: Entry) -> str:
        return request.build_absolute_uri(reverse("directory:detail", args=[entry.service.uuid]))

    title = _("{district}の相談先・居場所").format(district=district.name)
    data = render_district_pdf(title=title, entries=entries, url_for=url_for, printed_on=today)
    response = HttpResponse(data, content_type="application/pdf")
    filename = output_filename(title, ascii_what="directory", day=today, extension="pdf", number=district.code)
    response["Content-Disposition"] = attachment_header(filename)
    return response
