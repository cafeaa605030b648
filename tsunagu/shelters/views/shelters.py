"""Shelter pages: the list (search and hazard filter), a shelter's page with the ward's 福祉避難所 switch, and a
map of all shelters. Shelters are public places, so any signed-in user may see them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tsunagu.access import policy
from tsunagu.access.policy import Capability, capability_required
from tsunagu.core.maps import map_settings
from tsunagu.core.paging import page_number
from tsunagu.shelters.forms import ShelterSearchForm, WelfareShelterForm
from tsunagu.shelters.selectors import (
    ShelterFilters,
    shelter_get,
    shelter_hazard_labels,
    shelter_list,
    shelter_map_features,
)
from tsunagu.shelters.services import shelter_set_welfare

PAGE_SIZE = 50


@login_required
@require_GET
def shelter_list_view(request: HttpRequest) -> HttpResponse:
    form = ShelterSearchForm(request.GET)
    filters = form.filters() if form.is_valid() else ShelterFilters()
    page = Paginator(shelter_list(filters=filters), PAGE_SIZE).get_page(page_number(request))
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
        "can_mark_welfare": policy.can(request.user, Capability.MANAGE_SHELTERS),
        "map": map_settings(),
    }
    return render(request, "shelters/detail.html", context)


@capability_required(Capability.MANAGE_SHELTERS)
@require_POST
def shelter_welfare_view(request: HttpRequest, shelter_id: int) -> HttpResponse:
    shelter = shelter_get(shelter_id=shelter_id)
    if shelter is None:
        raise Http404
    form = WelfareShelterForm(request.POST)
    form.is_valid()  # a lone checkbox: absent means False, nothing can be invalid
    shelter_set_welfare(
        user=request.user, shelter=shelter, is_welfare_shelter=form.cleaned_data["is_welfare_shelter"], request=request
    )
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
