"""Staff pages (MANAGE_FORUMS): set up a district's forum, add and end members. Thin: the services check the
capability and the ward, refuse duplicates and write the audit log."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tsunagu.access import policy
from tsunagu.access.policy import Capability, CapabilityDenied, capability_required
from tsunagu.areas.models import District
from tsunagu.organisations.models import Organisation

from ..forms import ForumForm, MemberForm
from ..selectors import can_manage, forum_or_404
from ..services import CommunityError, forum_create, member_add, member_end
from .pages import _errors


@capability_required(Capability.MANAGE_FORUMS)
@require_http_methods(["GET", "POST"])
def forum_new(request: HttpRequest) -> HttpResponse:
    viewer = policy.viewer_for(request.user)
    districts = (
        District.objects.filter(municipality_id__in=viewer.municipality_ids, forum__isnull=True)
        .select_related("district_type")
        .order_by("district_type__sort_order", "code")
    )
    form = ForumForm(request.POST or None, districts=districts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            forum = forum_create(
                request.user, district=data["district"], name=data["name"].strip(),
                description=data["description"], request=request,
            )
        except CommunityError as error:
            _errors(form, error)
        else:
            return redirect("community:members", forum_id=forum.pk)
    return render(request, "community/forum_new.html", {"form": form})


@capability_required(Capability.MANAGE_FORUMS)
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, forum_id: str) -> HttpResponse:
    forum = forum_or_404(request.user, forum_id, request=request)
    if not can_manage(request.user, forum):
        raise CapabilityDenied(Capability.MANAGE_FORUMS)
    organisations = Organisation.objects.filter(
        is_active=True, municipality_id=forum.district.municipality_id
    ).order_by("kind", "name")
    adding = request.method == "POST" and request.POST.get("op") == "add"
    form = MemberForm(request.POST if adding else None, organisations=organisations)
    error = ""
    if request.method == "POST":
        try:
            if adding and form.is_valid():
                data = form.cleaned_data
                member_add(
                    request.user, forum, role=data["role"], organisation=data["organisation"],
                    member_user=data["member_user"], request=request,
                )
                return redirect("community:members", forum_id=forum.pk)
            if request.POST.get("op") == "end":
                member = forum.members.filter(pk=request.POST.get("member") or 0, left_on__isnull=True).first()
                if member is None:
                    error = _("その構成員は見つからないか、すでに退会しています。")
                else:
                    member_end(request.user, member, request=request)
                    return redirect("community:members", forum_id=forum.pk)
        except CommunityError as refused:
            _errors(form, refused)
    rows = forum.members.select_related("organisation", "user").order_by("left_on", "role", "pk")
    return render(
        request, "community/members.html",
        {"forum": forum, "form": form, "current": [m for m in rows if m.left_on is None],
         "former": [m for m in rows if m.left_on is not None], "error": error},
    )
