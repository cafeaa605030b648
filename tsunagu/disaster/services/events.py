"""Writes of the disaster app: declaring and ending an event, and recording a safety report (append-only,
idempotent by the phone's client_id). Every write is audit-logged; a report reaches a person only through the
access policy's disaster scope."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Value, When
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.access.policy import Capability
from tsunagu.areas.models import District, TownDistrict
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_denied, audit_record
from tsunagu.core.bulk import insert_select
from tsunagu.core.ids import as_pk
from tsunagu.people.models import Person
from tsunagu.roster.models import RosterBuild, listed_in_build
from tsunagu.shelters.models import Shelter

from ..in_force import EVENTS, events_not_ended
from ..models import CONFIRMED, DISASTER_SCOPE, DisasterEvent, SafetyCurrent, SafetyReport, SafetyStatus
from ..status import conflicting_reports, current_report

NO_DISTRICTS_MESSAGE = _("対象の地区を1つ以上選んでください。")
OTHER_WARD_MESSAGE = _("この区の地区を選んでください。")
NO_WARD_MESSAGE = _("災害は区ごとに開始します。区の職員として操作してください。")
END_BEFORE_START_MESSAGE = _("終了予定は開始より後にしてください。")
ALREADY_ENDED_MESSAGE = _("この災害はすでに終了しています。")
ALREADY_STARTED_MESSAGE = _("この災害はすでに始まっています。")
EVENT_NOT_ACTIVE_MESSAGE = _("この災害は終了しているため、安否を記録できません。")
FUTURE_MESSAGE = _("確認した日時が未来になっています。日時を確かめてください。")
BEFORE_EVENT_MESSAGE = _("確認した日時が災害の開始より前です。")
BAD_STATUS_MESSAGE = _("安否の選択肢にない値です。")
CLIENT_ID_TAKEN_MESSAGE = _("この記録IDは別の記録に使われています。")

# A phone's clock may run a little fast.
FUTURE_TOLERANCE = datetime.timedelta(minutes=10)
# What the audit log's purpose says of every access through the disaster-time grant.
DISASTER_ACCESS = "災害時の提供"


class DisasterError(Exception):
    def __init__(self, messages: list) -> None:
        super().__init__("; ".join(str(m) for m in messages))
        self.messages = messages


def event_declare(
    *,
    user,  # noqa: ANN001
    name: str,
    kind: str,
    districts: list[District],
    started_at: datetime.datetime | None = None,
    planned_end_at: datetime.datetime | None = None,
    is_drill: bool = False,
    request: HttpRequest | None = None,
) -> DisasterEvent:
    """Declare an event (or a drill) for some districts of the user's ward: from its start, those who must reach
    people see the listed persons there, consent or not, until it is ended or its planned end passes."""
    policy.require_capability(user, Capability.DECLARE_DISASTER)
    ward_id = policy.viewer_for(user).ward_id
    if ward_id is None:
        raise DisasterError([NO_WARD_MESSAGE])
    if not districts:
        raise DisasterError([NO_DISTRICTS_MESSAGE])
    if any(d.municipality_id != ward_id for d in districts):
        raise DisasterError([OTHER_WARD_MESSAGE])
    event = DisasterEvent(
        municipality_id=ward_id,
        name=name.strip(),
        kind=kind,
        is_drill=is_drill,
        started_at=started_at or timezone.now(),
        planned_end_at=planned_end_at,
        declared_by=user,
    )
    try:
        event.full_clean(exclude=["declared_by", "municipality"])
    except ValidationError as error:
        raise DisasterError([m for messages in error.message_dict.values() for m in messages]) from None
    with transaction.atomic():
        event.save()
        event.districts.set(districts)
        event_persons_refresh(event)
        audit_record(
            actor=user,
            action=AuditAction.CREATE,
            target_type=AuditTarget.DISASTER_EVENT,
            target_ids=[event.pk],
            detail={
                "kind": kind,
                "drill": is_drill,
                "districts": sorted(d.pk for d in districts),
                "planned_end_at": planned_end_at.isoformat() if planned_end_at else None,
            },
            request=request,
        )
    return event


def event_start(*, user, event_id: object, request: HttpRequest | None = None) -> DisasterEvent:  # noqa: ANN001
    """Start now an event declared for later (a drill prepared in advance, an approaching typhoon): its access
    opens with this write."""
    policy.require_capability(user, Capability.DECLARE_DISASTER)
    event = event_of_ward(user, event_id, request=request)
    with transaction.atomic():
        event = DisasterEvent.objects.select_for_update().get(pk=event.pk)
        now = timezone.now()
        if event.closes_by(now):
            raise DisasterError([ALREADY_ENDED_MESSAGE])
        if event.started_at <= now:
            raise DisasterError([ALREADY_STARTED_MESSAGE])
        if event.planned_end_at is not None:
            # The planned length is kept: a four-hour drill started early still runs four hours.
            event.planned_end_at = now + (event.planned_end_at - event.started_at)
        event.started_at = now
        event.save(update_fields=["started_at", "planned_end_at"])
        event_persons_refresh(event)
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            target_type=AuditTarget.DISASTER_EVENT,
            target_ids=[event.pk],
            detail={"started": True},
            request=request,
        )
    return event


def event_end(*, user, event_id: object, request: HttpRequest | None = None) -> DisasterEvent:  # noqa: ANN001
    """End the event now: the disaster-time access closes with this write (the policy reads it on every
    request)."""
    policy.require_capability(user, Capability.DECLARE_DISASTER)
    event = event_of_ward(user, event_id, request=request)
    with transaction.atomic():
        event = DisasterEvent.objects.select_for_update().get(pk=event.pk)
        now = timezone.now()
        if event.closes_by(now):
            raise DisasterError([ALREADY_ENDED_MESSAGE])
        event.ended_at, event.ended_by = now, user
        event.save(update_fields=["ended_at", "ended_by"])
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            target_type=AuditTarget.DISASTER_EVENT,
            target_ids=[event.pk],
            detail={"ended": True},
            request=request,
        )
    return event


def event_persons_refresh(event: DisasterEvent) -> None:
    """Match the event's rows (SafetyCurrent) with the ward's current roster build: a row (未確認) for every person
    listed in the event's districts who has none, and each row marked listed or not as that build says. Done when
    the event is declared and started, and by the reads when the ward has made a new build since: a few set-based
    statements, whatever the number of persons. Rows are never removed (their reports stay)."""
    build_id = RosterBuild.current_id(event.municipality_id)
    if build_id is None or build_id == event.persons_build_id:
        return
    with transaction.atomic():
        # Locked: two first readers of a new build do the work once.
        locked = DisasterEvent.objects.select_for_update().filter(pk=event.pk)
        previous = locked.values_list("persons_build_id", flat=True).first()
        if previous != build_id:
            towns = TownDistrict.objects.filter(district__in=event.districts.all()).values("town_id")
            listed = Person.objects.filter(listed_in_build(build_id), town_id__in=towns)
            insert_select(
                SafetyCurrent._meta.db_table,
                ["event_id", "status", "listed", "has_conflict", "person_id", "town_id", "kana_key"],
                listed.values_list("pk", "town_id", "kana_key"),
                (event.pk, SafetyStatus.UNCONFIRMED, True, False),
                ignore_conflicts=True,
            )
            if previous is not None:
                SafetyCurrent.objects.filter(event=event).update(
                    listed=Case(When(listed_in_build(build_id, "person_id"), then=Value(True)), default=Value(False))
                )
            DisasterEvent.objects.filter(pk=event.pk).update(persons_build_id=build_id)
            EVENTS.advance()  # a set-wise write: the kept events (in_force) are read again
    event.persons_build_id = build_id


def event_of_ward(user, event_id: object, *, request: HttpRequest | None) -> DisasterEvent:  # noqa: ANN001
    pk = as_pk(event_id)
    wards = policy.viewer_for(user).municipality_ids
    event = DisasterEvent.objects.filter(pk=pk, municipality_id__in=wards).first() if pk else None
    if event is None:
        audit_denied(actor=user, request=request, target_type=AuditTarget.DISASTER_EVENT, target_id=event_id)
        raise Http404("no such event")
    return event


@dataclass(frozen=True)
class ReportResult:
    report: SafetyReport
    created: bool  # False: the same report (client_id) was already stored


def safety_report_record(
    *,
    user,  # noqa: ANN001
    event_id: object,
    person_id: object,
    status: str,
    observed_at: datetime.datetime | None = None,
    place: str = "",
    shelter_id: int | None = None,
    note: str = "",
    client_id: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> ReportResult:
    """Append one safety report. The person must be open to the user through the disaster scope (an event's
    grant, or the staff's own districts); a report already stored under this client_id is returned as stored."""
    if client_id is not None:
        existing = SafetyReport.objects.filter(client_id=client_id).first()
        if existing is not None:
            return _same_report(existing, user)
    viewer = policy.viewer_for(user)
    # A supporter's event is one of the ward's events not over, kept in the cache (in_force); any other id is read.
    pk = as_pk(event_id)
    kept = [e for e in events_not_ended(viewer.municipality_ids) if e.pk == pk]
    event = kept[0] if kept else event_of_ward(user, event_id, request=request)
    now = timezone.now()
    if not event.is_active_at(now):
        # Before the person check: a supporter's access closed with the event, and the reason to tell them is
        # that the event ended (a queue sent late from a phone), not that the person is unknown.
        raise DisasterError([EVENT_NOT_ACTIVE_MESSAGE])
    person = policy.person_or_deny(user, person_id, request=request, scope=DISASTER_SCOPE)
    if person.town_id not in viewer.towns_of(frozenset(d.pk for d in event.districts.all())):
        audit_denied(actor=user, request=request, target_type="person", target_id=person_id)
        raise Http404("not in the event's districts")
    observed_at = observed_at or now
    errors = []
    if status not in SafetyStatus.values or status == SafetyStatus.UNCONFIRMED:
        errors.append(BAD_STATUS_MESSAGE)
    if observed_at > now + FUTURE_TOLERANCE:
        errors.append(FUTURE_MESSAGE)
    if observed_at < event.started_at - FUTURE_TOLERANCE:
        errors.append(BEFORE_EVENT_MESSAGE)
    if errors:
        raise DisasterError(errors)
    shelter = Shelter.objects.filter(pk=shelter_id).first() if shelter_id else None
    try:
        with transaction.atomic():
            report = SafetyReport.objects.create(
                event=event,
                person=person,
                status=status,
                place=place.strip(),
                shelter=shelter,
                note=note.strip(),
                observed_at=observed_at,
                reported_by=user,
                client_id=client_id,
            )
            _refresh_current(event, person)
            audit_record(
                actor=user,
                action=AuditAction.CREATE,
                target_type=AuditTarget.SAFETY_REPORT,
                target_ids=[person.pk],
                purpose=DISASTER_ACCESS,
                detail={"event": event.pk, "report": report.pk, "status": status},
                request=request,
            )
    except IntegrityError:
        # The same report arrived twice at once: the other request stored it.
        if client_id is not None:
            existing = SafetyReport.objects.filter(client_id=client_id).first()
            if existing is not None:
                return _same_report(existing, user)
        raise
    return ReportResult(report=report, created=True)


def _refresh_current(event: DisasterEvent, person: Person) -> None:
    """Keep the person's current status (SafetyCurrent) with their reports. The person's row is locked first, so
    two reports about one person arriving at once are applied one after the other."""
    Person.objects.select_for_update().filter(pk=person.pk).values_list("pk", flat=True).first()
    reports = list(SafetyReport.objects.filter(event=event, person_id=person.pk))
    fields = _current_fields(current_report(reports), reports)
    if not SafetyCurrent.objects.filter(event=event, person_id=person.pk).update(**fields):
        # A person reported on before their row was written (listed since the last read): a row of their own.
        SafetyCurrent.objects.create(
            event=event,
            person_id=person.pk,
            town_id=person.town_id,
            kana_key=person.kana_key,
            listed=_listed_now(event, person.pk),
            **fields,
        )


def _listed_now(event: DisasterEvent, person_id: int) -> bool:
    build_id = RosterBuild.current_id(event.municipality_id)
    return Person.objects.filter(listed_in_build(build_id), pk=person_id).exists()


def _current_fields(latest: SafetyReport, reports: list[SafetyReport]) -> dict[str, object]:
    return {
        "report": latest,
        "status": latest.status,
        "observed_at": latest.observed_at,
        "first_confirmed_at": min((r.observed_at for r in reports if r.status in CONFIRMED), default=None),
        "has_conflict": bool(conflicting_reports(reports)),
    }


def _same_report(existing: SafetyReport, user) -> ReportResult:  # noqa: ANN001
    if existing.reported_by_id != user.pk:
        raise DisasterError([CLIENT_ID_TAKEN_MESSAGE])
    return ReportResult(report=existing, created=False)
