"""Training (研修): the centre sets up courses and their sessions, enrols volunteers, records who came, and a
completion follows from the attendance (or is recorded directly, for a course taken elsewhere).

Who attended and who completed is personal data of the volunteers (and of the watchers who are users): every
write here leaves its audit row (target 研修の出欠・修了)."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.access.policy import Capability, require_capability, viewer_for
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.organisations.models import Membership

from ..models import (
    Attendance,
    Completion,
    CompletionSource,
    Course,
    TrainingSession,
    Volunteer,
    VolunteerStatus,
)

NOT_YOUR_WARD = _("ほかの区の研修・ボランティアは扱えません。")
COURSE_INACTIVE = _("この研修は実施を終えています。回を追加するときは、研修を「実施中」に戻してください。")
VOLUNTEER_NOT_APPROVED = _("登録の確認が済んだボランティアだけ、研修に申し込めます。")
ALREADY_ENROLLED = _("このボランティアは、すでにこの回に申し込んでいます。")
SESSION_FULL = _("この回は定員に達しています。")
NO_SUCH_USER = _("この利用者名のアカウントはありません。")
USER_IS_VOLUNTEER = _("ボランティアとして登録のある方です。ボランティアの修了として記録してください。")
USER_NOT_IN_WARD = _("この区の団体に所属している利用者（民生委員・見守り協力員など）だけ記録できます。")
ONE_PERSON = _("ボランティアか利用者の、どちらか1人を選んでください。")
FUTURE_COMPLETION = _("修了日に、これからの日は入れられません。")


class TrainingRefused(Exception):  # noqa: N818 - the product's word for it
    pass


def _check_ward(actor, municipality_id: int) -> None:  # noqa: ANN001
    require_capability(actor, Capability.MANAGE_VOLUNTEERS)
    if municipality_id not in viewer_for(actor).municipality_ids:
        raise TrainingRefused(NOT_YOUR_WARD)


def completion_expiry(course: Course, completed_on: datetime.date) -> datetime.date | None:
    """The last day a completion is valid: the day before its anniversary `valid_years` later (29 February runs
    to 28 February), or None for a course whose completion never lapses."""
    if not course.valid_years:
        return None
    year = completed_on.year + course.valid_years
    try:
        anniversary = completed_on.replace(year=year)
    except ValueError:
        anniversary = datetime.date(year, 3, 1)
    return anniversary - datetime.timedelta(days=1)


def course_create(*, actor, request: HttpRequest | None = None, **fields) -> Course:  # noqa: ANN001, ANN003
    """A new course of the actor's ward. `fields` are Course's (from CourseForm.cleaned_data)."""
    require_capability(actor, Capability.MANAGE_VOLUNTEERS)
    course = Course(**fields)
    ward_id = viewer_for(actor).ward_id
    if ward_id is not None and "municipality" not in fields:
        course.municipality_id = ward_id
    _check_ward(actor, course.municipality_id)
    with transaction.atomic():
        course.save()
        # A course is no personal data, but who set it up is part of the centre's record.
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            target_type=AuditTarget.TRAINING,
            detail={"course": course.pk},
            request=request,
        )
    return course


def course_set_active(*, actor, course: Course, active: bool, request: HttpRequest | None = None) -> Course:  # noqa: ANN001
    _check_ward(actor, course.municipality_id)
    course.is_active = active
    with transaction.atomic():
        course.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target_type=AuditTarget.TRAINING,
            detail={"course": course.pk, "active": active},
            request=request,
        )
    return course


def session_create(
    *,
    actor,  # noqa: ANN001
    course: Course,
    starts_at: datetime.datetime,
    place: str,
    capacity: int,
    request: HttpRequest | None = None,
) -> TrainingSession:
    _check_ward(actor, course.municipality_id)
    if not course.is_active:
        raise TrainingRefused(COURSE_INACTIVE)
    with transaction.atomic():
        session = TrainingSession.objects.create(
            course=course, starts_at=starts_at, place=place.strip(), capacity=capacity
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            target_type=AuditTarget.TRAINING,
            detail={"course": course.pk, "session": session.pk},
            request=request,
        )
    return session


def attendance_enrol(
    *,
    actor,  # noqa: ANN001
    session: TrainingSession,
    volunteer: Volunteer,
    request: HttpRequest | None = None,
) -> Attendance:
    """Enrols a registered volunteer of the course's ward in a session, within its capacity."""
    _check_ward(actor, session.course.municipality_id)
    if volunteer.municipality_id != session.course.municipality_id:
        raise TrainingRefused(NOT_YOUR_WARD)
    if volunteer.status != VolunteerStatus.APPROVED:
        raise TrainingRefused(VOLUNTEER_NOT_APPROVED)
    with transaction.atomic():
        # Locks the session row so two staff enrolling at once cannot pass the capacity together.
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if Attendance.objects.filter(session=locked, volunteer=volunteer).exists():
            raise TrainingRefused(ALREADY_ENROLLED)
        if Attendance.objects.filter(session=locked).count() >= locked.capacity:
            raise TrainingRefused(SESSION_FULL)
        attendance = Attendance.objects.create(session=locked, volunteer=volunteer)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            target_type=AuditTarget.TRAINING,
            target_ids=[attendance.pk],
            detail={"session": session.pk, "volunteer": volunteer.pk},
            request=request,
        )
    return attendance


def _session_day(session: TrainingSession) -> datetime.date:
    return timezone.localdate(session.starts_at)


def _derive_completion(actor, course: Course, volunteer: Volunteer, request: HttpRequest | None) -> Completion | None:  # noqa: ANN001
    """The completion earned by attendance: `sessions_required` sessions attended since the last completion of
    the course (so a refresher counts anew after a completion lapses). None when not (yet) earned."""
    last = Completion.objects.filter(course=course, volunteer=volunteer).order_by("-completed_on").first()
    attended = Attendance.objects.filter(session__course=course, volunteer=volunteer, attended=True).select_related(
        "session"
    )
    days = sorted(_session_day(a.session) for a in attended)
    if last is not None:
        days = [d for d in days if d > last.completed_on]
    if len(days) < course.sessions_required:
        return None
    completed_on = days[course.sessions_required - 1]
    completion = Completion.objects.create(
        course=course,
        volunteer=volunteer,
        completed_on=completed_on,
        expires_on=completion_expiry(course, completed_on),
        source=CompletionSource.ATTENDANCE,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target_type=AuditTarget.TRAINING,
        target_ids=[completion.pk],
        detail={"completion": True, "course": course.pk, "volunteer": volunteer.pk},
        request=request,
    )
    return completion


def attendance_record(
    *,
    actor,  # noqa: ANN001
    attendance: Attendance,
    attended: bool,
    request: HttpRequest | None = None,
) -> Completion | None:
    """Records whether the volunteer came. Attending the last required session makes the completion (returned);
    correcting an attendance to "absent" withdraws the completion it had made, when no other sessions make it."""
    session = attendance.session
    course = session.course
    _check_ward(actor, course.municipality_id)
    with transaction.atomic():
        was = attendance.attended
        attendance.attended = attended
        attendance.recorded_by = actor
        attendance.recorded_at = timezone.now()
        attendance.save(update_fields=["attended", "recorded_by", "recorded_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target_type=AuditTarget.TRAINING,
            target_ids=[attendance.pk],
            detail={"session": session.pk, "volunteer": attendance.volunteer_id, "attended": attended},
            request=request,
        )
        if was and not attended:
            # Only completions made from attendance on or after this day can rest on it; recorded ones stay.
            withdrawn = Completion.objects.filter(
                course=course,
                volunteer_id=attendance.volunteer_id,
                source=CompletionSource.ATTENDANCE,
                completed_on__gte=_session_day(session),
            )
            ids = list(withdrawn.values_list("pk", flat=True))
            if ids:
                withdrawn.delete()
                audit_record(
                    actor=actor,
                    action=AuditAction.UPDATE,
                    target_type=AuditTarget.TRAINING,
                    target_ids=ids,
                    detail={"completion_withdrawn": True, "course": course.pk, "volunteer": attendance.volunteer_id},
                    request=request,
                )
        return _derive_completion(actor, course, attendance.volunteer, request)


def completion_record(
    *,
    actor,  # noqa: ANN001
    course: Course,
    completed_on: datetime.date,
    volunteer: Volunteer | None = None,
    username: str = "",
    note: str = "",
    request: HttpRequest | None = None,
) -> Completion:
    """A completion recorded by the staff: a course taken elsewhere (another ward, the city's 社協), or one of a
    watcher who is a signed-in user rather than a volunteer (a 民生委員, a 見守り協力員)."""
    _check_ward(actor, course.municipality_id)
    if (volunteer is None) == (not username):
        raise TrainingRefused(ONE_PERSON)
    if completed_on > timezone.localdate():
        raise TrainingRefused(FUTURE_COMPLETION)
    user = None
    if volunteer is not None:
        if volunteer.municipality_id != course.municipality_id:
            raise TrainingRefused(NOT_YOUR_WARD)
    else:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise TrainingRefused(NO_SUCH_USER)
        if Volunteer.objects.filter(user=user).exists():
            raise TrainingRefused(USER_IS_VOLUNTEER)
        # Watchers of this ward: a member of one of its organisations (the one reading of "in the ward" here).
        if not Membership.objects.filter(user=user, organisation__municipality_id=course.municipality_id).exists():
            raise TrainingRefused(USER_NOT_IN_WARD)
    with transaction.atomic():
        completion = Completion.objects.create(
            course=course,
            volunteer=volunteer,
            user=user,
            completed_on=completed_on,
            expires_on=completion_expiry(course, completed_on),
            source=CompletionSource.RECORDED,
            note=note.strip()[:300],
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            target_type=AuditTarget.TRAINING,
            target_ids=[completion.pk],
            detail={
                "completion": True,
                "course": course.pk,
                **({"volunteer": volunteer.pk} if volunteer else {"user": user.pk}),
            },
            request=request,
        )
    return completion
