"""Shelter pages: the list (search and hazard filter), a shelter's page with the ward's 福祉避難所 switch, and a
map of all shelters. Shelters are public places, so any signed-in user may see them."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tsunagu.access import policy
from tsunagu.shelters.forms import ShelterSearchForm, WelfareShelterForm
from tsunagu.shelters.selectors import (
    ShelterFilters,
    shelter_get,
    shelter_hazard_labels,
    shelter_list,
    shelter_map_features,
)
from tsunagu.shelters.services import ShelterChangeNotAllowed, shelter_set_welfare

PAGE_SIZE = 50


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def map_settings() -> dict:
    """What core/map.js needs on every map page: the tile source (GSI by default; a setting so a ward can use
    its own) and the popup labels in the page's language."""
    return {
        "tile_url": settings.TSUNAGU_MAP_TILE_URL,
        "attribution": settings.TSUNAGU_MAP_ATTRIBUTION,
        "labels": {
            "name": _("氏名"),
            "address": _("住所"),
            "reasons": _("事由"),
            "shelter": _("避難場所"),
            "hazards": _("対応する災害"),
            "welfare": _("福祉避難所"),
            "capacity": _("想定収容人数"),
            "candidate": _("支援者の候補"),
            "phone": _("電話番号"),
            "candidateCapacity": _("支援できる人数"),
            "detail": _("詳しく見る"),
            "person": _("名簿の登載者"),
            "unlocated": _("位置不明"),
            "error": _("地図のデータを読み込めませんでした。"),
        },
    }


@login_required
@require_GET
def shelter_list_view(request: HttpRequest) -> HttpResponse:
    form = ShelterSearchForm(request.GET)
    filters = form.filters() if form.is_valid() else ShelterFilters()
    page = Paginator(shelter_list(filters=filters), PAGE_SIZE).get_page(_page_number(request))
    rows = [(shelter, shelter_hazard_labels(shelter)) for shelter in page.object_list]
    context = {"form": form, "page": page, "rows": rows}
    return render(request, "shelters/list.html", context)


@login_required
@require_GET
def shelter_detail_view(request: HttpRequest, shelter_id: int) -> HttpResponse:
    shelter = shelter_get(shelter_id=shelter_id)
    if shelter is None:
        raise Http404
    context = {
        "shelter": shelter,
        "hazards": shelter_hazard_labels(shelter),
        "can_mark_welfare": policy.is_ward_welfare(request.user),
        "map": map_settings(),
    }
    return render(request, "shelters/detail.html", context)


@login_required
@require_POST
def shelter_welfare_view(request: HttpRequest, shelter_id: int) -> HttpResponse:
    shelter = shelter_get(shelter_id=shelter_id)
    if shelter is None:
        raise Http404
    form = WelfareShelterForm(request.POST)
    form.is_valid()  # a lone checkbox: absent means False, nothing can be invalid
    try:
        shelter_set_welfare(
            user=request.user,
            shelter=shelter,
            is_welfare_shelter=form.cleaned_data["is_welfare_shelter"],
            request=request,
        )
    except ShelterChangeNotAllowed as refusal:
        return HttpResponseForbidden(str(refusal))
    if shelter.is_welfare_shelter:
        messages.success(request, _("福祉避難所に指定しました。"))
    else:
        messages.success(request, _("福祉避難所の指定を外しました。"))
    return redirect("shelters:detail", shelter_id=shelter.pk)


@login_required
@require_GET
def shelter_map_view(request: HttpRequest) -> HttpResponse:
    return render(request, "shelters/map.html", {"map": map_settings()})


@login_required
@require_GET
def shelter_map_data_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"type": "FeatureCollection", "features": shelter_map_features()})
