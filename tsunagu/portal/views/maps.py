"""The combined map page (listed persons, shelters, supporter candidates) and its data."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tsunagu.core.maps import map_settings
from tsunagu.portal.selectors import roster_map_data


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
