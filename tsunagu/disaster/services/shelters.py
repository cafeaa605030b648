"""Writes of shelters in an event (避難所の開設・入退所): opening and closing a shelter for the event, and recording
arrivals and departures — one by one, or a list of names from a shelter's sheet once staff have confirmed who each
line is (all of the list's arrivals in one transaction, or none).

Who: the ward's staff who run the event — the holders of Capability.DECLARE_DISASTER (the ward's welfare section
and its 防災担当). There is no organisation kind for shelter staff (避難所運営委員会, a school's staff): the ward's
staff at the shelter or at the office enter what the shelter reports. Community users, 消防 and 警察 are refused.

An arrival appends a safety report 避難済 at that shelter (services.events.safety_report_record), so the person's
status follows; a departure appends a report only when a new status is given (a person leaving a shelter may go
home, to a relative or to hospital: nothing is known until someone says so, and 避難済 at that shelter stays their
last known status). Every write is audit-logged: the shelter's opening and closing (target 避難所), each arrival
and departure (target 避難所の入退所, with the person, purpose 災害時の提供), besides the safety report's own row."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.access.policy import Capability, Refused
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_denied, audit_record
from tsunagu.core.ids import as_pk
from tsunagu.people.models import Person
from tsunagu.roster.models import RosterBuild, listed_in_build
from tsunagu.shelters.models import Shelter

from ..models import DISASTER_SCOPE, DisasterEvent, SafetyStatus, ShelterOpening, ShelterStay
from .events import DISASTER_ACCESS, FUTURE_TOLERANCE, DisasterError, event_of_ward, safety_report_record

SHELTER_STAFF_MESSAGE = _("避難所の開設・閉鎖と入退所の記録は、区役所（福祉部門・防災担当）の職員だけができます。")
EVENT_ENDED_MESSAGE = _(
    "この災害は終了しているか、まだ始まっていないため、避難所の開設・閉鎖と入退所は記録できません。"
)
ALREADY_OPEN_MESSAGE = _("この避難所はすでに開設しています。")
NOT_OPEN_MESSAGE = _("この避難所は開設されていません。先に開設してください。")
STILL_STAYING_MESSAGE = _("入所中の方が{count}人います。退所を記録してから閉鎖してください。")
ALREADY_HERE_MESSAGE = _("{name}さんはすでにこの避難所に入所しています。")
ARRIVED_EARLIER_ELSEWHERE_MESSAGE = _("{name}さんは{shelter}に{time}から入所中です。それより前の入所は記録できません。")
NOT_STAYING_MESSAGE = _("この方はすでに退所しています。")
ARRIVAL_FUTURE_MESSAGE = _("入所日時が未来になっています。日時を確かめてください。")
ARRIVAL_BEFORE_EVENT_MESSAGE = _("入所日時が災害の開始より前です。")
DEPARTURE_FUTURE_MESSAGE = _("退所日時が未来になっています。日時を確かめてください。")
DEPARTURE_BEFORE_ARRIVAL_MESSAGE = _("退所日時が入所日時より前です。")
DEPARTURE_STATUS_MESSAGE = _("退所後の安否の選択肢にない値です。")
NO_ARRIVALS_MESSAGE = _("記録する方が選ばれていません。")
LINE_MESSAGE = _("{line}行目：{message}")
PERSON_OUT_OF_EVENT_MESSAGE = _("この方はこの災害の対象の地区の方ではありません。")

# Statuses a departure may record (未確認 is the absence of a report; 避難済 elsewhere is an arrival there, or a
# place given with 避難済).
DEPARTURE_STATUSES = [s for s in SafetyStatus.values if s != SafetyStatus.UNCONFIRMED]


def require_shelter_staff(user) -> None:  # noqa: ANN001
    """Refuse (the one 403 page, a denied audit row) anyone but the ward's staff who run the event."""
    if not policy.can(user, Capability.DECLARE_DISASTER):
        raise Refused(
            SHELTER_STAFF_MESSAGE,
            target=AuditTarget.SHELTER_STAY,
            detail={"capability": Capability.DECLARE_DISASTER.value},
        )


def ward_shelters(event: DisasterEvent) -> QuerySet[Shelter]:
    """The shelters an event may open: those published by its ward or by the ward's city, and those imported
    without a 全国地方公共団体コード (an instance serving one ward, the demo). Public places, not personal data."""
    ward = event.municipality
    codes = {"", ward.code}
    if ward.parent_id is not None:
        codes.add(ward.parent.code)
    return Shelter.objects.filter(local_government_code__in=codes)


def event_shelter(
    user,  # noqa: ANN001
    event: DisasterEvent,
    shelter_id: object,
    *,
    request: HttpRequest | None,
) -> Shelter:
    """A shelter of the event: one the event may open, or one it has opened. Otherwise 404, logged."""
    pk = as_pk(shelter_id)
    shelter = None
    if pk:
        opened = ShelterOpening.objects.filter(event=event, shelter_id=pk)
        shelter = Shelter.objects.filter(
            Q(pk__in=ward_shelters(event).values("pk")) | Q(pk__in=opened.values("shelter_id"))
        )
        shelter = shelter.filter(pk=pk).first()
    if shelter is None:
        audit_denied(actor=user, request=request, target_type=AuditTarget.SHELTER, target_id=shelter_id)
        raise Http404("no such shelter in the event")
    return shelter


def current_opening(event: DisasterEvent, shelter: Shelter) -> ShelterOpening | None:
    return ShelterOpening.objects.filter(event=event, shelter=shelter, closed_at__isnull=True).first()


def _active_event(user, event_id: object, request: HttpRequest | None) -> DisasterEvent:  # noqa: ANN001
    require_shelter_staff(user)
    event = event_of_ward(user, event_id, request=request)
    if not event.is_active_at(timezone.now()):
        raise DisasterError([EVENT_ENDED_MESSAGE])
    return event


# --- opening and closing ----------------------------------------------------------------------------------------


def shelter_open(
    *,
    user,  # noqa: ANN001
    event_id: object,
    shelter_id: object,
    request: HttpRequest | None = None,
) -> ShelterOpening:
    """Open a shelter for the event (開設): arrivals may be recorded there from now on."""
    event = _active_event(user, event_id, request)
    shelter = event_shelter(user, event, shelter_id, request=request)
    try:
        with transaction.atomic():
            opening = ShelterOpening.objects.create(
                event=event, shelter=shelter, opened_at=timezone.now(), opened_by=user
            )
            audit_record(
                actor=user,
                action=AuditAction.CREATE,
                target_type=AuditTarget.SHELTER,
                target_ids=[shelter.pk],
                detail={"event": event.pk, "opening": opening.pk, "opened": True},
                request=request,
            )
    except IntegrityError:
        raise DisasterError([ALREADY_OPEN_MESSAGE]) from None
    return opening


def shelter_close(
    *,
    user,  # noqa: ANN001
    event_id: object,
    shelter_id: object,
    request: HttpRequest | None = None,
) -> ShelterOpening:
    """Close a shelter for the event (閉鎖). Refused while anyone is recorded as staying there: their departure
    (or their arrival at the shelter they move to) is recorded first, so nobody is lost from the counts."""
    event = _active_event(user, event_id, request)
    shelter = event_shelter(user, event, shelter_id, request=request)
    with transaction.atomic():
        opening = (
            ShelterOpening.objects.select_for_update()
            .filter(event=event, shelter=shelter, closed_at__isnull=True)
            .first()
        )
        if opening is None:
            raise DisasterError([NOT_OPEN_MESSAGE])
        staying = ShelterStay.objects.filter(event=event, shelter=shelter, departed_at__isnull=True).count()
        if staying:
            raise DisasterError([str(STILL_STAYING_MESSAGE).format(count=staying)])
        opening.closed_at, opening.closed_by = timezone.now(), user
        opening.save(update_fields=["closed_at", "closed_by"])
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            target_type=AuditTarget.SHELTER,
            target_ids=[shelter.pk],
            detail={"event": event.pk, "opening": opening.pk, "closed": True},
            request=request,
        )
    return opening


# --- arrivals and departures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Arrival:
    """One arrival to record: the person, and for a list the line and what it said."""

    person_id: int
    line: int = 0
    entered_name: str = ""
    entered_kana: str = ""
    entered_birth: str = ""


def shelter_arrival_record(
    *,
    user,  # noqa: ANN001
    event_id: object,
    shelter_id: object,
    person_id: object,
    arrived_at: datetime.datetime | None = None,
    note: str = "",
    request: HttpRequest | None = None,
) -> ShelterStay:
    """Record one person's arrival at an open shelter; their status becomes 避難済 at this shelter."""
    event = _active_event(user, event_id, request)
    shelter = event_shelter(user, event, shelter_id, request=request)
    arrived_at = _arrival_time(event, arrived_at)
    pk = as_pk(person_id) or 0
    with transaction.atomic():
        _require_open(event, shelter)
        stay, moved_from = _arrive(user, event, shelter, Arrival(person_id=pk), arrived_at, note, request)
        audit_record(
            actor=user,
            action=AuditAction.CREATE,
            target_type=AuditTarget.SHELTER_STAY,
            target_ids=[stay.person_id],
            purpose=DISASTER_ACCESS,
            detail={"event": event.pk, "shelter": shelter.pk, "stays": [stay.pk], "moved_from": moved_from},
            request=request,
        )
    return stay


def shelter_arrivals_apply(
    *,
    user,  # noqa: ANN001
    event_id: object,
    shelter_id: object,
    arrivals: list[Arrival],
    arrived_at: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> list[ShelterStay]:
    """Record the confirmed arrivals of a list, all in one transaction: if any line cannot be recorded, none is,
    and DisasterError names every such line by its number."""
    event = _active_event(user, event_id, request)
    shelter = event_shelter(user, event, shelter_id, request=request)
    arrived_at = _arrival_time(event, arrived_at)
    if not arrivals:
        raise DisasterError([NO_ARRIVALS_MESSAGE])
    errors: list[str] = []
    stays: list[ShelterStay] = []
    moved: dict[int, int] = {}
    try:
        with transaction.atomic():
            _require_open(event, shelter)
            for arrival in arrivals:
                try:
                    with transaction.atomic():
                        stay, moved_from = _arrive(user, event, shelter, arrival, arrived_at, "", request)
                except DisasterError as error:
                    errors += [str(LINE_MESSAGE).format(line=arrival.line, message=m) for m in error.messages]
                    continue
                except Http404:
                    errors.append(str(LINE_MESSAGE).format(line=arrival.line, message=PERSON_OUT_OF_EVENT_MESSAGE))
                    continue
                stays.append(stay)
                if moved_from:
                    moved[stay.person_id] = moved_from
            if errors:
                raise _Abort
            audit_record(
                actor=user,
                action=AuditAction.CREATE,
                target_type=AuditTarget.SHELTER_STAY,
                target_ids=[s.person_id for s in stays],
                purpose=DISASTER_ACCESS,
                detail={
                    "event": event.pk,
                    "shelter": shelter.pk,
                    "stays": [s.pk for s in stays],
                    "list": True,
                    "lines": [a.line for a in arrivals],
                    "moved_from": {str(k): v for k, v in moved.items()},
                },
                request=request,
            )
    except _Abort:
        raise DisasterError(errors) from None
    return stays


class _Abort(Exception):  # noqa: N818 - a private signal to roll the list back
    pass


def shelter_departure_record(
    *,
    user,  # noqa: ANN001
    event_id: object,
    stay_id: object,
    shelter_id: object = None,
    departed_at: datetime.datetime | None = None,
    status: str = "",
    place: str = "",
    note: str = "",
    request: HttpRequest | None = None,
) -> ShelterStay:
    """Record a departure (from `shelter_id`'s page, when given). With a status (帰宅して無事, 入院 …) a safety
    report is appended; without one, nothing is: the person's status stays 避難済 at this shelter, their last known
    whereabouts."""
    event = _active_event(user, event_id, request)
    pk = as_pk(stay_id)
    stay = ShelterStay.objects.filter(pk=pk, event=event).first() if pk else None
    if stay is not None and shelter_id is not None and str(stay.shelter_id) != str(shelter_id):
        stay = None  # a stay at another shelter than the page's
    if stay is None:
        audit_denied(actor=user, request=request, target_type=AuditTarget.SHELTER_STAY, target_id=stay_id)
        raise Http404("no such stay")
    person = policy.person_or_deny(user, stay.person_id, request=request, scope=DISASTER_SCOPE)
    now = timezone.now()
    departed_at = departed_at or now
    errors = []
    if status and status not in DEPARTURE_STATUSES:
        errors.append(DEPARTURE_STATUS_MESSAGE)
    if departed_at > now + FUTURE_TOLERANCE:
        errors.append(DEPARTURE_FUTURE_MESSAGE)
    if departed_at < stay.arrived_at:
        errors.append(DEPARTURE_BEFORE_ARRIVAL_MESSAGE)
    if errors:
        raise DisasterError(errors)
    with transaction.atomic():
        stay = ShelterStay.objects.select_for_update().get(pk=stay.pk)
        if stay.departed_at is not None:
            raise DisasterError([NOT_STAYING_MESSAGE])
        report = None
        if status:
            report = safety_report_record(
                user=user,
                event_id=event.pk,
                person_id=person.pk,
                status=status,
                observed_at=departed_at,
                place=place,
                note=note,
                request=request,
            ).report
        stay.departed_at, stay.departure_recorded_by, stay.departure_report = departed_at, user, report
        stay.save(update_fields=["departed_at", "departure_recorded_by", "departure_report"])
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            target_type=AuditTarget.SHELTER_STAY,
            target_ids=[person.pk],
            purpose=DISASTER_ACCESS,
            detail={"event": event.pk, "shelter": stay.shelter_id, "stay": stay.pk, "departed": True, "status": status},
            request=request,
        )
    return stay


def _listed(event: DisasterEvent, person_id: int) -> bool:
    build_id = RosterBuild.current_id(event.municipality_id)
    return Person.objects.filter(listed_in_build(build_id), pk=person_id).exists()


def _require_open(event: DisasterEvent, shelter: Shelter) -> None:
    if not ShelterOpening.objects.filter(event=event, shelter=shelter, closed_at__isnull=True).exists():
        raise DisasterError([NOT_OPEN_MESSAGE])


def _arrival_time(event: DisasterEvent, arrived_at: datetime.datetime | None) -> datetime.datetime:
    now = timezone.now()
    arrived_at = arrived_at or now
    errors = []
    if arrived_at > now + FUTURE_TOLERANCE:
        errors.append(ARRIVAL_FUTURE_MESSAGE)
    if arrived_at < event.started_at - FUTURE_TOLERANCE:
        errors.append(ARRIVAL_BEFORE_EVENT_MESSAGE)
    if errors:
        raise DisasterError(errors)
    return arrived_at


def _arrive(
    user,  # noqa: ANN001
    event: DisasterEvent,
    shelter: Shelter,
    arrival: Arrival,
    arrived_at: datetime.datetime,
    note: str,
    request: HttpRequest | None,
) -> tuple[ShelterStay, int | None]:
    """One arrival, inside the caller's transaction: the person open to the user through the disaster scope, a
    stay elsewhere in the event ended (moved here), the 避難済 report appended, the stay stored. Returns the stay
    and the shelter the person moved from (or None)."""
    person = policy.person_or_deny(user, arrival.person_id, request=request, scope=DISASTER_SCOPE)
    if not _listed(event, person.pk):
        # The event's persons are those of its safety list: listed on the ward's current roster.
        audit_denied(actor=user, request=request, target_type=AuditTarget.PERSON, target_id=person.pk)
        raise Http404("not listed")
    # Two arrivals of one person at once are applied one after the other.
    Person.objects.select_for_update().filter(pk=person.pk).values_list("pk", flat=True).first()
    current = (
        ShelterStay.objects.select_for_update()
        .filter(event=event, person=person, departed_at__isnull=True)
        .select_related("shelter")
        .first()
    )
    moved_from = None
    if current is not None:
        if current.shelter_id == shelter.pk:
            raise DisasterError([str(ALREADY_HERE_MESSAGE).format(name=person.full_name)])
        if current.arrived_at > arrived_at:
            raise DisasterError(
                [
                    str(ARRIVED_EARLIER_ELSEWHERE_MESSAGE).format(
                        name=person.full_name,
                        shelter=current.shelter.name,
                        time=timezone.localtime(current.arrived_at).strftime("%Y-%m-%d %H:%M"),
                    )
                ]
            )
        current.departed_at, current.departure_recorded_by = arrived_at, user
        current.save(update_fields=["departed_at", "departure_recorded_by"])
        moved_from = current.shelter_id
    report = safety_report_record(
        user=user,
        event_id=event.pk,
        person_id=person.pk,
        status=SafetyStatus.EVACUATED,
        observed_at=arrived_at,
        shelter_id=shelter.pk,
        note=note,
        request=request,
    ).report
    try:
        with transaction.atomic():
            stay = ShelterStay.objects.create(
                event=event,
                shelter=shelter,
                person=person,
                arrived_at=arrived_at,
                recorded_by=user,
                note=note.strip()[:500],
                entered_name=arrival.entered_name[:100],
                entered_kana=arrival.entered_kana[:100],
                entered_birth=arrival.entered_birth[:40],
                arrival_report=report,
            )
    except IntegrityError:
        raise DisasterError([str(ALREADY_HERE_MESSAGE).format(name=person.full_name)]) from None
    return stay, moved_from
