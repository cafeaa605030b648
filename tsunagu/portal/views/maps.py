"""The combined map page (listed persons, shelters, supporter candidates) and its data."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tsunagu.core.maps import map_settings
from tsunagu.portal.selectors import BBox, roster_map_data, roster_map_marker, roster_map_points


@login_required
@require_GET
def roster_map_view(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/map.html", {"map": map_settings()})


@login_required
@require_GET
def roster_map_data_view(request: HttpRequest) -> JsonResponse:
    data = roster_map_data(user=request.user, request=request)
    response = JsonResponse(data.as_geojson(), json_dumps_params={"ensure_ascii": False})
    # Personal data: never kept by a shared browser's or proxy's cache.
    response["Cache-Control"] = "no-store"
    return response


def _json(data: dict) -> JsonResponse:
    # Compact separators: at ward scale the points are most of the bytes.
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})
    # Personal data: never kept by a shared browser's or proxy's cache.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def roster_map_points_view(request: HttpRequest) -> HttpResponse:
    """?bbox=west,south,east,north (optional) &zoom=N (optional) &unlocated=1 (the first request of a page)."""
    try:
        bbox = BBox.parse(request.GET["bbox"]) if request.GET.get("bbox") else None
        zoom = int(request.GET["zoom"]) if request.GET.get("zoom") else None
    except ValueError:
        return HttpResponseBadRequest()
    if zoom is not None and not 0 <= zoom <= 22:
        return HttpResponseBadRequest()
    data = roster_map_points(
        user=request.user, bbox=bbox, zoom=zoom, with_unlocated=request.GET.get("unlocated") == "1", request=request
    )
    return _json(data.as_json())


@login_required
@require_GET
def roster_map_marker_view(request: HttpRequest, person_id: str) -> JsonResponse:
    return _json(roster_map_marker(user=request.user, person_id=person_id, request=request).properties)
