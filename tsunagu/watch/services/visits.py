"""The visit log: one write path for a visit from the phone page, the API and the demo. A 気になる or 緊急 visit
is escalated in the same transaction, so a concern is never recorded without reaching someone."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.organisations.models import STAFF_KINDS, DataScope
from tsunagu.people.models import Person

from ..models import (
    ESCALATING_OUTCOMES,
    ConcernTag,
    Escalation,
    VisitMethod,
    VisitOutcome,
    WatchAssignment,
    WatchVisit,
    active_assignments_q,
    covering_assignments_q,
)
from .errors import WatchError
from .routing import acknowledge_deadline, route_for

NOT_WATCHING_MESSAGE = _("この方の見守りの担当ではないため、記録できません。")
FUTURE_MESSAGE = _("見守りの日時が未来になっています。日時を確かめてください。")
TOO_OLD_MESSAGE = _("1年より前の見守りは記録できません。")
BEFORE_START_MESSAGE = _("見守りの開始日より前の日時は記録できません。")
BAD_METHOD_MESSAGE = _("方法を選んでください（訪問・電話・声かけ・見かけ・不在）。")
BAD_OUTCOME_MESSAGE = _("様子を選んでください（変わりなし・気になる・緊急）。")
BAD_CONCERN_MESSAGE = _("気になることの選択肢にない値があります。")
CLIENT_ID_TAKEN_MESSAGE = _("この記録IDは別の方の記録に使われています。")
NO_RECEIVER_MESSAGE = _("つなぎ先が設定されていないため、専門職に届いていません。区役所に電話で連絡してください。")

# A phone's clock may run a little fast.
FUTURE_TOLERANCE = datetime.timedelta(minutes=10)
OLDEST = datetime.timedelta(days=366)


@dataclass(frozen=True)
class VisitResult:
    visit: WatchVisit
    created: bool  # False: the same report (client_id) was already stored
    escalation: Escalation | None
    warning: str = ""


def acting_assignments(user, person: Person, day: datetime.date):  # noqa: ANN001, ANN201
    """The assignments in force through which this user watches this person: naming the user, or naming one of
    the user's organisations without a named member; for a household watch, any resident of the household."""
    viewer = policy.viewer_for(user)
    organisation_ids = [m.organisation_id for m in viewer.memberships]
    return (
        WatchAssignment.objects.filter(active_assignments_q(day))
        .filter(covering_assignments_q(person.pk, person.household_id))
        .filter(Q(watcher=user) | Q(watcher__isnull=True, organisation_id__in=organisation_ids))
        .order_by("watcher_id", "pk")  # a named watch before the organisation's
    )


def _clean(method: str, outcome: str, concerns: Iterable[str]) -> list[str]:
    errors = []
    if method not in VisitMethod.values:
        errors.append(BAD_METHOD_MESSAGE)
    if outcome not in VisitOutcome.values:
        errors.append(BAD_OUTCOME_MESSAGE)
    tags = list(dict.fromkeys(concerns))
    if any(t not in ConcernTag.values for t in tags):
        errors.append(BAD_CONCERN_MESSAGE)
    if errors:
        raise WatchError(errors)
    # In the order the form lists them, whatever order they came in.
    return [t for t in ConcernTag.values if t in tags]


def visit_record(
    *,
    user,  # noqa: ANN001
    person_id: object,
    method: str,
    outcome: str,
    observed_at: datetime.datetime | None = None,
    concerns: Iterable[str] = (),
    note: str = "",
    client_id: uuid.UUID | None = None,
    request: HttpRequest | None = None,
    channel: str | None = None,
) -> VisitResult:
    """Record what a watcher noticed. A report whose client_id is already stored is the same report: it is
    returned as stored, and nothing is written twice."""
    if client_id is not None:
        existing = WatchVisit.objects.filter(client_id=client_id).select_related("escalation").first()
        if existing is not None:
            return _same_report(existing, user)
    person = policy.person_or_deny(user, person_id, request=request, scope=DataScope.WATCH)
    now = timezone.now()
    observed_at = observed_at or now
    tags = _clean(method, outcome, concerns)
    if observed_at > now + FUTURE_TOLERANCE:
        raise WatchError([FUTURE_MESSAGE])
    if observed_at < now - OLDEST:
        raise WatchError([TOO_OLD_MESSAGE])
    day = timezone.localdate(observed_at)
    assignment = acting_assignments(user, person, timezone.localdate(now)).first()
    if assignment is None:
        if not _is_staff(user):
            raise WatchError([NOT_WATCHING_MESSAGE])
        # Professionals may log a contact (a call, a visit) with anyone being watched whom they see.
        assignment = (
            WatchAssignment.objects.filter(active_assignments_q(timezone.localdate(now)), person=person)
            .order_by("pk")
            .first()
        )
        if assignment is None:
            raise WatchError([NOT_WATCHING_MESSAGE])
    if day < assignment.started_on:
        raise WatchError([BEFORE_START_MESSAGE])
    try:
        with transaction.atomic():
            visit = WatchVisit.objects.create(
                assignment=assignment,
                person=person,
                observed_at=observed_at,
                recorded_by=user,
                method=method,
                outcome=outcome,
                concerns=tags,
                note=note.strip(),
                client_id=client_id,
            )
            escalation, warning = None, ""
            if outcome in ESCALATING_OUTCOMES:
                escalation = _escalate(visit, now)
                if escalation is None:
                    warning = str(NO_RECEIVER_MESSAGE)
            audit_record(
                actor=user,
                action=AuditAction.CREATE,
                target_type=AuditTarget.WATCH_VISIT,
                target_ids=[person.pk],
                detail={
                    "visit": visit.pk,
                    "outcome": outcome,
                    "escalation": escalation.pk if escalation else None,
                },
                request=request,
                channel=channel,
            )
    except IntegrityError:
        # The same report arrived twice at once: the other request stored it.
        if client_id is not None:
            existing = WatchVisit.objects.filter(client_id=client_id).select_related("escalation").first()
            if existing is not None:
                return _same_report(existing, user)
        raise
    return VisitResult(visit=visit, created=True, escalation=escalation, warning=warning)


def _same_report(existing: WatchVisit, user) -> VisitResult:  # noqa: ANN001
    if existing.recorded_by_id != user.pk:
        raise WatchError([CLIENT_ID_TAKEN_MESSAGE])
    return VisitResult(visit=existing, created=False, escalation=getattr(existing, "escalation", None))


def _is_staff(user) -> bool:  # noqa: ANN001
    return bool(policy.viewer_for(user).organisation_kinds & STAFF_KINDS)


def _escalate(visit: WatchVisit, now: datetime.datetime) -> Escalation | None:
    organisation = route_for(visit.person, visit.concerns)
    if organisation is None:
        return None
    return Escalation.objects.create(
        visit=visit,
        person=visit.person,
        organisation=organisation,
        urgency=visit.outcome,
        raised_at=now,
        acknowledge_by=acknowledge_deadline(visit.outcome, now),
    )
