"""The centre's training pages: courses, a course with its sessions, a session's enrolment and attendance, the
completions (and recording one directly), and who lacks a course. Thin: the rules are in services.training and
selectors.training."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from tsunagu.access.policy import Capability, capability_required, today
from tsunagu.core.ids import as_pk

from ..forms import CompletionForm, CourseForm, EnrolForm, SessionForm
from ..models import CourseKind
from ..selectors import (
    completion_choices,
    completion_list,
    course_list,
    course_or_404,
    course_sessions,
    enrolable_volunteers,
    lacking_volunteers,
    session_attendances,
    session_or_404,
)
from ..services import (
    TrainingRefused,
    attendance_enrol,
    attendance_record,
    completion_record,
    course_create,
    course_set_active,
    session_create,
)

manage_required = capability_required(Capability.MANAGE_VOLUNTEERS)
NOT_ENROLLED = gettext_lazy("この回の申込者の一覧から選んでください。")


@manage_required
@require_GET
def courses(request: HttpRequest) -> HttpResponse:
    return render(request, "volunteers/training_courses.html", {"courses": course_list(request.user)})


@manage_required
@require_http_methods(["GET", "POST"])
def course_new(request: HttpRequest) -> HttpResponse:
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        course = course_create(actor=request.user, request=request, **form.cleaned_data)
        messages.success(request, _("研修「%(name)s」を登録しました。") % {"name": course.name})
        return redirect("volunteers:course", course.pk)
    return render(
        request, "volunteers/training_course_form.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


@manage_required
@require_http_methods(["GET", "POST"])
def course_detail(request: HttpRequest, course_id: int) -> HttpResponse:
    course = course_or_404(request.user, course_id, request=request)
    form = SessionForm(request.POST if "place" in request.POST else None)
    if request.method == "POST" and request.POST.get("active") in ("0", "1"):
        course_set_active(actor=request.user, course=course, active=request.POST["active"] == "1", request=request)
        messages.success(request, _("研修の実施の状態を変えました。"))
        return redirect("volunteers:course", course.pk)
    if form.is_bound and form.is_valid():
        try:
            session = session_create(actor=request.user, course=course, request=request, **form.cleaned_data)
        except TrainingRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("研修の回を追加しました。"))
            return redirect("volunteers:training_session", session.pk)
    return render(
        request,
        "volunteers/training_course.html",
        {"course": course, "sessions": course_sessions(course), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@manage_required
@require_http_methods(["GET", "POST"])
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    session = session_or_404(request.user, session_id, request=request)
    enrol_form = EnrolForm(
        request.POST if "volunteer" in request.POST else None,
        volunteers=enrolable_volunteers(request.user, session),
    )
    if request.method == "POST" and "attendance" in request.POST:
        chosen = session.attendances.filter(pk=as_pk(request.POST["attendance"])).select_related("volunteer").first()
        if chosen is None or request.POST.get("attended") not in ("yes", "no"):
            messages.error(request, NOT_ENROLLED)
        else:
            completion = attendance_record(
                actor=request.user, attendance=chosen, attended=request.POST["attended"] == "yes", request=request
            )
            messages.success(request, _("%(name)sさんの出欠を記録しました。") % {"name": chosen.volunteer.name})
            if completion is not None:
                messages.info(
                    request,
                    _("%(name)sさんは「%(course)s」を修了しました。")
                    % {"name": chosen.volunteer.name, "course": session.course.name},
                )
        return redirect("volunteers:training_session", session.pk)
    if enrol_form.is_bound and enrol_form.is_valid():
        try:
            attendance_enrol(
                actor=request.user, session=session, volunteer=enrol_form.cleaned_data["volunteer"], request=request
            )
        except TrainingRefused as refused:
            enrol_form.add_error(None, str(refused))
        else:
            messages.success(request, _("申し込みを受け付けました。"))
            return redirect("volunteers:training_session", session.pk)
    return render(
        request,
        "volunteers/training_session.html",
        {
            "session": session,
            "course": session.course,
            "attendances": session_attendances(request.user, session, request=request),
            "enrol_form": enrol_form,
        },
        status=400 if request.method == "POST" else 200,
    )


@manage_required
@require_http_methods(["GET", "POST"])
def completions(request: HttpRequest) -> HttpResponse:
    ward_courses = course_list(request.user)
    form = CompletionForm(
        request.POST if request.method == "POST" else None,
        courses=ward_courses,
        volunteers=completion_choices(request.user),
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            completion_record(
                actor=request.user,
                course=data["course"],
                completed_on=data["completed_on"],
                volunteer=data["volunteer"],
                username=data["username"].strip(),
                note=data["note"],
                request=request,
            )
        except TrainingRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("研修の修了を記録しました。"))
            return redirect("volunteers:completions")
    kind = request.GET.get("kind", "")
    if kind not in CourseKind.values:
        kind = ""
    valid_only = request.GET.get("valid") == "1"
    rows = completion_list(request.user, kind=kind, valid_only=valid_only, request=request)[:500]
    return render(
        request,
        "volunteers/training_completions.html",
        {
            "completions": rows,
            "form": form,
            "kind": kind,
            "kinds": CourseKind.choices,
            "valid_only": valid_only,
            "courses": ward_courses,
            "today": today(),
        },
        status=400 if request.method == "POST" else 200,
    )


@manage_required
@require_GET
def course_lacking(request: HttpRequest, course_id: int) -> HttpResponse:
    course = course_or_404(request.user, course_id, request=request)
    return render(
        request,
        "volunteers/training_lacking.html",
        {"course": course, "volunteers": lacking_volunteers(request.user, course, request=request)[:500]},
    )
