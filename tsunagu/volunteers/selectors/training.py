"""Reads of training: courses, sessions with their attendance, completions, who lacks a course, and the one
question other apps ask — which of these users has no valid 声掛け研修 (the watch's assignment pages ask it).

The watch stands on a higher floor than the volunteers (pyproject's import contracts), so the watch imports
`users_lacking_training` from here; nothing here imports the watch."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest

from tsunagu.access.policy import Capability, require_capability, today, viewer_for
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_denied, audit_record
from tsunagu.core.ids import as_pk

from ..models import (
    Attendance,
    Completion,
    Course,
    CourseKind,
    TrainingSession,
    Volunteer,
    VolunteerStatus,
    valid_completions_q,
)


def course_list(user, *, active_only: bool = False) -> QuerySet[Course]:  # noqa: ANN001
    """The ward's courses with their number of sessions and of completions in force today."""
    require_capability(user, Capability.MANAGE_VOLUNTEERS)
    qs = Course.objects.filter(municipality_id__in=viewer_for(user).municipality_ids)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.annotate(
        session_count=Count("sessions", distinct=True),
        valid_count=Count("completions", filter=valid_completions_q(today(), prefix="completions__"), distinct=True),
    )


def course_or_404(user, pk: object, *, request: HttpRequest | None = None) -> Course:  # noqa: ANN001
    try:
        return course_list(user).get(pk=as_pk(pk))
    except Course.DoesNotExist:
        audit_denied(actor=user, request=request, target_type=AuditTarget.TRAINING, target_id=pk)
        raise Http404 from None


def session_or_404(user, pk: object, *, request: HttpRequest | None = None) -> TrainingSession:  # noqa: ANN001
    require_capability(user, Capability.MANAGE_VOLUNTEERS)
    try:
        return TrainingSession.objects.select_related("course").get(
            pk=as_pk(pk), course__municipality_id__in=viewer_for(user).municipality_ids
        )
    except TrainingSession.DoesNotExist:
        audit_denied(actor=user, request=request, target_type=AuditTarget.TRAINING, target_id=pk)
        raise Http404 from None


def course_sessions(course: Course) -> QuerySet[TrainingSession]:
    """A course's sessions with how many enrolled and attended (the course was read through course_or_404)."""
    return course.sessions.annotate(
        enrolled=Count("attendances"),
        came=Count("attendances", filter=Q(attendances__attended=True)),
    ).order_by("starts_at", "pk")


def session_attendances(user, session: TrainingSession, *, request: HttpRequest | None = None) -> list[Attendance]:  # noqa: ANN001
    """Who is enrolled in the session and whether they came; the list shown is logged."""
    require_capability(user, Capability.MANAGE_VOLUNTEERS)
    rows = list(session.attendances.select_related("volunteer").order_by("volunteer__name_key", "pk"))
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        target_type=AuditTarget.TRAINING,
        target_ids=[a.pk for a in rows],
        detail={"session": session.pk},
        request=request,
    )
    return rows


def enrolable_volunteers(user, session: TrainingSession) -> QuerySet[Volunteer]:  # noqa: ANN001
    """Registered volunteers of the course's ward not yet enrolled in this session (for the enrol form)."""
    require_capability(user, Capability.MANAGE_VOLUNTEERS)
    return (
        Volunteer.objects.filter(municipality_id=session.course.municipality_id, status=VolunteerStatus.APPROVED)
        .exclude(pk__in=session.attendances.values("volunteer_id"))
        .order_by("name_key", "pk")
    )


def completion_choices(user) -> QuerySet[Volunteer]:  # noqa: ANN001
    """Registered volunteers of the user's ward, for the form that records a completion directly."""
    require_capability(user, Capability.MANAGE_VOLUNTEERS)
    return Volunteer.objects.filter(
        municipality_id__in=viewer_for(user).municipality_ids, status=VolunteerStatus.APPROVED
    ).order_by("name_key", "pk")


def completion_list(
    user,  # noqa: ANN001
    *,
    course: Course | None = None,
    kind: str = "",
    valid_only: bool = False,
    request: HttpRequest | None = None,
) -> QuerySet[Completion]:
    """The ward's completions (of volunteers and of users), newest first; logged as a list."""
    require_capability(user, Capability.MANAGE_VOLUNTEERS)
    qs = Completion.objects.filter(course__municipality_id__in=viewer_for(user).municipality_ids).select_related(
        "course", "volunteer", "user"
    )
    if course is not None:
        qs = qs.filter(course=course)
    if kind:
        qs = qs.filter(course__kind=kind)
    if valid_only:
        qs = qs.filter(valid_completions_q(today()))
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        target_type=AuditTarget.TRAINING,
        detail={
            "completions": True,
            **({"course": course.pk} if course else {}),
            **({"kind": kind} if kind else {}),
        },
        request=request,
    )
    return qs


def lacking_volunteers(user, course: Course, *, request: HttpRequest | None = None) -> QuerySet[Volunteer]:  # noqa: ANN001
    """Registered volunteers of the course's ward with no completion of it in force today (never took it, or it
    lapsed): whom to invite to the next session."""
    require_capability(user, Capability.MANAGE_VOLUNTEERS)
    valid = Completion.objects.filter(valid_completions_q(today()), course=course, volunteer=OuterRef("pk"))
    qs = (
        Volunteer.objects.filter(municipality_id=course.municipality_id, status=VolunteerStatus.APPROVED)
        .exclude(Exists(valid))
        .annotate(
            lapsed=Exists(Completion.objects.filter(course=course, volunteer=OuterRef("pk"), expires_on__lt=today()))
        )
        .order_by("name_key", "pk")
    )
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        target_type=AuditTarget.VOLUNTEER,
        detail={"lacking_course": course.pk},
        request=request,
    )
    return qs


def volunteer_completions(volunteer: Volunteer) -> list[Completion]:
    """A volunteer's completions, newest first (the volunteer was read, and logged, through volunteer_or_404)."""
    return list(volunteer.training_completions.select_related("course").order_by("-completed_on", "pk"))


def training_badges(volunteer_ids: Iterable[int], *, day: datetime.date | None = None) -> dict[int, list[str]]:
    """The kinds of training each volunteer holds in force on `day` (for the candidate list): one query."""
    day = day or today()
    badges: dict[int, list[str]] = defaultdict(list)
    rows = (
        Completion.objects.filter(valid_completions_q(day), volunteer_id__in=list(volunteer_ids))
        .values_list("volunteer_id", "course__kind")
        .distinct()
        .order_by("volunteer_id", "course__kind")
    )
    for volunteer_id, kind in rows:
        label = str(CourseKind(kind).label)
        if label not in badges[volunteer_id]:
            badges[volunteer_id].append(label)
    return dict(badges)


def users_lacking_training(
    user_ids: Iterable[int],
    *,
    kind: str = CourseKind.GREETING,
    day: datetime.date | None = None,
) -> set[int]:
    """Of these users, those with no completion of a `kind` course in force on `day` — as a user, or as the
    volunteer their sign-in belongs to. A course of any ward counts (training is the person's, not the ward's).

    It answers yes or no about people the caller has already shown (the watchers of an assignment the caller
    may see), so it asks no capability and writes no audit row: it reveals no date, course or record."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return set()
    day = day or today()
    held = Completion.objects.filter(valid_completions_q(day), course__kind=kind).filter(
        Q(user_id__in=ids) | Q(volunteer__user_id__in=ids)
    )
    trained = set()
    for user_id, volunteer_user_id in held.values_list("user_id", "volunteer__user_id"):
        trained.add(user_id or volunteer_user_id)
    return ids - trained
