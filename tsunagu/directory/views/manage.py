"""The staff pages of the directory (MANAGE_DIRECTORY: ward welfare, 社協, care plazas): every entry, published or
not, the entries no one has confirmed for a year, editing an entry with its opening times and place, and
「確認しました」."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tsunagu.access.policy import Capability, capability_required
from tsunagu.directory.forms import LocationForm, ScheduleFormSet, ServiceForm
from tsunagu.directory.models import Location, Service, ServiceKind
from tsunagu.directory.selectors import CHECK_INTERVAL_DAYS, staff_service_get, staff_service_list, stale_services
from tsunagu.directory.services import location_save, service_mark_checked, service_save

MANAGE = Capability.MANAGE_DIRECTORY


@capability_required(MANAGE)
def manage_list_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    kind = request.GET.get("kind", "")
    kind = kind if kind in ServiceKind.values else ""
    today = timezone.localdate()
    context = {
        "services": staff_service_list(query=query, kind=kind),
        "stale": stale_services(today=today),
        "query": query,
        "kind": kind,
        "kinds": ServiceKind.choices,
        "check_interval_days": CHECK_INTERVAL_DAYS,
        "locations": Location.objects.annotate(service_count=Count("services")).order_by("name"),
    }
    return render(request, "directory/manage/list.html", context)


def _edit(request: HttpRequest, service: Service | None) -> HttpResponse:
    instance = service or Service()
    form = ServiceForm(request.POST or None, instance=instance)
    schedules = ScheduleFormSet(request.POST or None, instance=instance, prefix="schedules")
    if request.method == "POST" and form.is_valid() and schedules.is_valid():
        saved = form.save(commit=False)
        service_save(
            user=request.user, service=saved, schedules_formset=schedules, location=form.cleaned_data["location"]
        )
        form.save_m2m()
        if form.cleaned_data["location"] is None:
            saved.service_at_locations.all().delete()
        messages.success(request, _("「{name}」を保存しました。").format(name=saved.name))
        return redirect("directory:manage")
    return render(
        request, "directory/manage/service_form.html", {"form": form, "schedules": schedules, "service": service}
    )


@capability_required(MANAGE)
def service_create_view(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@capability_required(MANAGE)
def service_edit_view(request: HttpRequest, service_id: str) -> HttpResponse:
    service = staff_service_get(service_uuid=str(service_id))
    if service is None:
        raise Http404
    return _edit(request, service)


@capability_required(MANAGE)
@require_POST
def service_check_view(request: HttpRequest, service_id: str) -> HttpResponse:
    service = staff_service_get(service_uuid=str(service_id))
    if service is None:
        raise Http404
    service_mark_checked(user=request.user, service=service, day=timezone.localdate())
    messages.success(request, _("「{name}」の内容を確認済みにしました。").format(name=service.name))
    return redirect("directory:manage")


@capability_required(MANAGE)
def location_edit_view(request: HttpRequest, location_id: int | None = None) -> HttpResponse:
    location = get_object_or_404(Location, pk=location_id) if location_id else Location()
    form = LocationForm(request.POST or None, instance=location)
    if request.method == "POST" and form.is_valid():
        location_save(user=request.user, location=form.save(commit=False))
        messages.success(request, _("場所「{name}」を保存しました。").format(name=form.instance.name))
        return redirect("directory:manage")
    return render(
        request, "directory/manage/location_form.html", {"form": form, "location": location if location_id else None}
    )
