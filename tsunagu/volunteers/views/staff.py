"""The volunteer centre's pages (社協 and the ward's welfare section): registrations and their check, the
insurance list, needs with their ranked candidates and proposals, and the hours report."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tsunagu.access.policy import Capability, capability_required, person_or_deny, viewer_for
from tsunagu.areas.models import Municipality

from ..forms import ActivityForm, CheckForm, LinkUserForm, NeedEditForm, NeedForm
from ..models import ACCEPTED_STATUSES, NeedKind, NeedStatus, VolunteerStatus
from ..selectors import (
    candidates_for,
    district_report,
    insurance_lapsing,
    need_list,
    need_or_404,
    need_requester,
    training_badges,
    volunteer_completions,
    volunteer_list,
    volunteer_or_404,
    volunteer_report,
)
from ..services import (
    MatchRefused,
    NeedRefused,
    RegistrationRefused,
    match_complete,
    match_propose,
    need_create,
    need_set_status,
    need_update,
    volunteer_check,
    volunteer_link_user,
)
from ..services.needs import NEED_NOT_OPEN_FOR_EDIT

manage_required = capability_required(Capability.MANAGE_VOLUNTEERS)


def _ward_id(request: HttpRequest) -> int:
    return viewer_for(request.user).ward_id or Municipality.home().pk


@manage_required
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", VolunteerStatus.PENDING)
    if status not in VolunteerStatus.values:
        status = ""
    query = request.GET.get("q", "").strip()[:50]
    volunteers = volunteer_list(request.user, status=status, query=query, request=request)[:200]
    return render(
        request,
        "volunteers/manage.html",
        {"volunteers": volunteers, "status": status, "query": query, "statuses": VolunteerStatus.choices},
    )


@manage_required
@require_http_methods(["GET", "POST"])
def volunteer_detail(request: HttpRequest, volunteer_id: int) -> HttpResponse:
    volunteer = volunteer_or_404(request.user, volunteer_id, request=request)
    check_form = CheckForm(request.POST if "decision" in request.POST else None)
    link_form = LinkUserForm(request.POST if "username" in request.POST else None)
    if request.method == "POST":
        try:
            if check_form.is_bound and check_form.is_valid():
                volunteer_check(
                    actor=request.user,
                    volunteer=volunteer,
                    approve=check_form.cleaned_data["decision"] == "approve",
                    note=check_form.cleaned_data["note"],
                    request=request,
                )
                messages.success(request, _("確認の結果を記録しました。"))
                return redirect("volunteers:volunteer", volunteer.pk)
            if link_form.is_bound and link_form.is_valid():
                username = link_form.cleaned_data["username"]
                if not get_user_model().objects.filter(username=username).exists():
                    link_form.add_error("username", _("この利用者名のアカウントはありません。"))
                else:
                    volunteer_link_user(actor=request.user, volunteer=volunteer, username=username, request=request)
                    messages.success(request, _("ログインの利用者を結びつけました。"))
                    return redirect("volunteers:volunteer", volunteer.pk)
        except RegistrationRefused as refused:
            messages.error(request, str(refused))
    return render(
        request,
        "volunteers/volunteer.html",
        {
            "volunteer": volunteer,
            "check_form": check_form,
            "link_form": link_form,
            "completions": volunteer_completions(volunteer),
            "today": timezone.localdate(),
        },
        status=400 if request.method == "POST" else 200,
    )


@manage_required
@require_GET
def insurance(request: HttpRequest) -> HttpResponse:
    volunteers = insurance_lapsing(request.user, request=request)[:500]
    return render(request, "volunteers/insurance.html", {"volunteers": volunteers, "today": timezone.localdate()})


@manage_required
@require_GET
def needs(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", NeedStatus.OPEN)
    if status not in NeedStatus.values:
        status = ""
    kind = request.GET.get("kind", "")
    if kind not in NeedKind.values:
        kind = ""
    return render(
        request,
        "volunteers/needs.html",
        {
            "needs": need_list(request.user, status=status, kind=kind)[:300],
            "status": status,
            "kind": kind,
            "statuses": NeedStatus.choices,
            "kinds": NeedKind.choices,
        },
    )


@manage_required
@require_http_methods(["GET", "POST"])
def need_new(request: HttpRequest) -> HttpResponse:
    ward_id = _ward_id(request)
    form = NeedForm(request.POST or None, municipality_id=ward_id)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        person_id = data.pop("person_id", None)
        person = None
        if person_id:
            # The resident as the policy lets this user see them (a 404 and a `denied` row otherwise).
            try:
                person = person_or_deny(request.user, person_id, request=request)
            except Http404:
                form.add_error("person_id", _("この住民は見つからないか、閲覧できません。"))
        if not form.errors:
            need = need_create(actor=request.user, request=request, person=person, **data)
            messages.success(request, _("地域ニーズを登録しました。"))
            return redirect("volunteers:need", need.pk)
    return render(request, "volunteers/need_form.html", {"form": form}, status=400 if request.method == "POST" else 200)


@manage_required
@require_http_methods(["GET", "POST"])
def need_detail(request: HttpRequest, need_id: int) -> HttpResponse:
    need = need_or_404(request.user, need_id, request=request)
    # Candidates (and their logged list) only while the need is open: the page shows none otherwise.
    candidates = candidates_for(request.user, need, request=request) if need.status == NeedStatus.OPEN else []
    if request.method == "POST" and request.POST.get("status") in NeedStatus.values:
        need_set_status(actor=request.user, need=need, status=request.POST["status"], request=request)
        messages.success(request, _("ニーズの状態を「%(status)s」にしました。") % {"status": need.get_status_display()})
        return redirect("volunteers:need", need.pk)
    if request.method == "POST":
        chosen = next((c for c in candidates if str(c.volunteer.pk) == request.POST.get("volunteer")), None)
        if chosen is None:
            messages.error(request, _("候補の一覧から選んでください。"))
        else:
            try:
                match_propose(
                    actor=request.user,
                    need=need,
                    volunteer=chosen.volunteer,
                    score=chosen.score,
                    reasons=chosen.reasons,
                    request=request,
                )
            except MatchRefused as refused:
                messages.error(request, str(refused))
            else:
                messages.success(
                    request, _("%(name)sさんに依頼しました。返事を待っています。") % {"name": chosen.volunteer.name}
                )
                return redirect("volunteers:need", need.pk)
    badges = training_badges([c.volunteer.pk for c in candidates])
    return render(
        request,
        "volunteers/need.html",
        {
            "need": need,
            "requester": need_requester(request.user, need, request=request),
            "matches": need.matches.select_related("volunteer").order_by("pk"),
            # With the training each candidate holds (区民後見人養成, 声掛け研修 …), read for all in one query.
            "candidate_rows": [(c, badges.get(c.volunteer.pk, [])) for c in candidates],
        },
    )


@manage_required
@require_http_methods(["GET", "POST"])
def need_edit(request: HttpRequest, need_id: int) -> HttpResponse:
    need = need_or_404(request.user, need_id, request=request)
    if need.status != NeedStatus.OPEN:
        messages.error(request, str(NEED_NOT_OPEN_FOR_EDIT))
        return redirect("volunteers:need", need.pk)
    form = NeedEditForm(request.POST or None, instance=need, municipality_id=need.municipality_id)
    if request.method == "POST" and form.is_valid():
        # The form wrote its values onto the instance; the service compares with the row as stored.
        stored = need_or_404(request.user, need.pk, request=request)
        try:
            need_update(actor=request.user, need=stored, request=request, **form.cleaned_data)
        except NeedRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("地域ニーズを変更しました。"))
            return redirect("volunteers:need", need.pk)
    return render(
        request,
        "volunteers/need_edit.html",
        {"form": form, "need": need},
        status=400 if request.method == "POST" else 200,
    )


@manage_required
@require_http_methods(["GET", "POST"])
def need_activity(request: HttpRequest, need_id: int, match_id: int) -> HttpResponse:
    """The centre records an activity for the volunteer (who told it by phone, or has no smartphone)."""
    need = need_or_404(request.user, need_id, request=request)
    match = need.matches.select_related("volunteer").filter(pk=match_id).first()
    if match is None:
        raise Http404
    if match.status not in ACCEPTED_STATUSES:
        messages.error(request, _("引き受けた依頼だけ、活動を記録できます。"))
        return redirect("volunteers:need", need.pk)
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            match_complete(actor=request.user, match=match, request=request, **form.cleaned_data)
        except MatchRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("%(name)sさんの活動を記録しました。") % {"name": match.volunteer.name})
            return redirect("volunteers:need", need.pk)
    return render(
        request,
        "volunteers/need_activity.html",
        {"need": need, "match": match, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _period(request: HttpRequest) -> tuple[datetime.date, datetime.date, int]:
    """The fiscal year (April to March) asked for, the current one by default."""
    today = timezone.localdate()
    current = today.year if today.month >= 4 else today.year - 1
    try:
        year = int(request.GET.get("year", current))
    except ValueError:
        year = current
    year = min(max(year, 2000), current + 1)
    return datetime.date(year, 4, 1), datetime.date(year + 1, 4, 1), year


@manage_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    start, end, year = _period(request)
    rows, total, hours_total = district_report(request.user, start=start, end=end)
    return render(
        request,
        "volunteers/report.html",
        {
            "year": year,
            "volunteers": volunteer_report(request.user, start=start, end=end, request=request)[:300],
            "district_rows": rows,
            "total": total,
            "hours_total": hours_total,
        },
    )
