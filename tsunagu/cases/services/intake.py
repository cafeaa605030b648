"""Intake (相談受付) at any window, from a watch-over escalation too, and the client's consent to share."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.access.policy import Capability, DetailLevel
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.core.ids import as_pk
from tsunagu.organisations.models import CASE_AGENCY_KINDS, DataScope, Organisation
from tsunagu.people.models import Person
from tsunagu.watch.models import Escalation, WatchVisit
from tsunagu.watch.services import escalation_acknowledge, escalation_for_handler

from ..models import (
    Case,
    ConsentDecision,
    ConsentToShare,
    Domain,
    HouseholdMember,
    Route,
    TeamBasis,
    TeamMember,
    Urgency,
)
from .errors import CaseError

NO_AGENCY_MESSAGE = _("相談を受け付ける機関を選んでください（所属している相談機関のみ）。")
NO_COMPLAINT_MESSAGE = _("主訴（相談したいこと）を入力してください。")
NO_DOMAIN_MESSAGE = _("分野を1つ以上選んでください。")
BAD_DOMAIN_MESSAGE = _("分野の値が正しくありません。")
BAD_ROUTE_MESSAGE = _("相談経路を選んでください。")
BAD_URGENCY_MESSAGE = _("緊急度を選んでください。")
ANONYMOUS_WITH_CLIENT_MESSAGE = _("匿名のままの相談に、住民を結び付けることはできません。")
NO_CLIENT_MESSAGE = _("相談者を住民から選ぶか、氏名・呼び名を入力するか、「匿名のまま」を選んでください。")
ESCALATION_HAS_CASE_MESSAGE = _("このつなぎからは、すでに相談支援記録が作られています。")
BAD_CONSENT_MESSAGE = _("同意の内容を選んでください。")
CONSENT_SCOPE_MESSAGE = _("同意があるときは、共有してよい機関を選ぶか「支援に必要な関係機関すべて」を選んでください。")
FUTURE_CONSENT_MESSAGE = _("意思表示の日に未来の日付は指定できません。")
VISIT_HISTORY_LIMIT = 20


def case_agencies_of(user) -> list[Organisation]:  # noqa: ANN001
    """The case agencies the user works for (where an intake may be taken and a referral sent from)."""
    viewer = policy.viewer_for(user)
    return [
        m.organisation
        for m in viewer.memberships
        if m.organisation.kind in CASE_AGENCY_KINDS and m.organisation.is_active
    ]


def acting_agency(user, organisation_id: object | None) -> Organisation:  # noqa: ANN001
    """The user's agency by id, or the only one when not given; CaseError otherwise."""
    agencies = case_agencies_of(user)
    if organisation_id in (None, "") and len(agencies) == 1:
        return agencies[0]
    for org in agencies:
        if str(org.pk) == str(organisation_id):
            return org
    raise CaseError([NO_AGENCY_MESSAGE])


def client_or_deny(user, person_id: object, *, request: HttpRequest | None = None) -> Person:  # noqa: ANN001
    """A registry person the user may link to a case: seen in full in the roster scope (ward, 社協, care plaza) or
    already named by a case of the user's teams. Otherwise 404, logged (policy.person_or_deny)."""
    pk = as_pk(person_id)
    scope = DataScope.CASE
    if pk is not None and policy.full_level_ids(user, [pk], scope=DataScope.ROSTER):
        scope = DataScope.ROSTER
    return policy.person_or_deny(user, person_id, request=request, level=DetailLevel.FULL, scope=scope)


def _next_number(day: datetime.date) -> str:
    prefix = f"{day.year}-"
    last = (
        Case.objects.select_for_update()
        .filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    serial = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{serial:06d}"


def _save_numbered(case: Case, day: datetime.date, attempts: int = 5) -> None:
    """Save a new case under the next number of its year. Two intakes at the same moment may draw the same number
    (nothing to lock before the year's first case): the loser draws again instead of failing."""
    for attempt in range(attempts):
        case.number = _next_number(day)
        try:
            with transaction.atomic():
                case.save(force_insert=True)
            return
        except IntegrityError:
            if attempt == attempts - 1 or Case.objects.filter(number=case.number).count() == 0:
                raise
            case.pk = None


def _clean_intake(data: Mapping[str, Any]) -> list[str]:
    errors: list[str] = []
    if not str(data.get("chief_complaint", "")).strip():
        errors.append(NO_COMPLAINT_MESSAGE)
    domains = list(data.get("domains") or [])
    if not domains:
        errors.append(NO_DOMAIN_MESSAGE)
    elif any(d not in Domain.values for d in domains):
        errors.append(BAD_DOMAIN_MESSAGE)
    if data.get("route") not in Route.values:
        errors.append(BAD_ROUTE_MESSAGE)
    if data.get("urgency", Urgency.NORMAL) not in Urgency.values:
        errors.append(BAD_URGENCY_MESSAGE)
    return errors


INTAKE_TEXT_FIELDS = (
    "client_label",
    "client_name",
    "client_kana",
    "client_phone",
    "client_address",
    "chief_complaint",
    "consultation",
    "life_history",
    "household_situation",
    "income_employment",
    "health",
)


def case_open(
    user,  # noqa: ANN001
    *,
    data: Mapping[str, Any],
    household: Sequence[Mapping[str, Any]] = (),
    request: HttpRequest | None = None,
    source_escalation: Escalation | None = None,
    visit_history: list[dict] | None = None,
) -> Case:
    """Take a consultation: the case, its household members, and its team (the opening agency, in charge).

    `data`: organisation (id; optional when the user works for one agency), client_id (a registry person) or
    anonymous (with client_label) or the client_* name fields, route, urgency, domains, raised_by (a user) and
    the text fields of INTAKE_TEXT_FIELDS. `household`: rows with person_id or name, relationship, note."""
    policy.require_capability(user, Capability.OPEN_CASE)
    organisation = acting_agency(user, data.get("organisation"))
    errors = _clean_intake(data)
    anonymous = bool(data.get("anonymous"))
    client = None
    if data.get("client_id") not in (None, ""):
        if anonymous:
            errors.append(ANONYMOUS_WITH_CLIENT_MESSAGE)
        else:
            client = client_or_deny(user, data["client_id"], request=request)
    elif not anonymous and not (str(data.get("client_name", "")).strip() or str(data.get("client_label", "")).strip()):
        errors.append(NO_CLIENT_MESSAGE)
    members: list[HouseholdMember] = []
    for row in household:
        person = client_or_deny(user, row["person_id"], request=request) if row.get("person_id") else None
        name = str(row.get("name", "")).strip()
        if person is None and not name:
            continue
        members.append(
            HouseholdMember(
                person=person,
                name=name,
                relationship=str(row.get("relationship", "")).strip(),
                note=str(row.get("note", "")).strip(),
            )
        )
    if errors:
        raise CaseError(errors)
    now = timezone.now()
    with transaction.atomic():
        case = Case(
            client=client,
            anonymous=anonymous,
            client_birth_date=data.get("client_birth_date") or None,
            opening_organisation=organisation,
            worker=user,
            opened_at=now,
            opened_by=user,
            route=data["route"],
            urgency=data.get("urgency") or Urgency.NORMAL,
            domains=list(dict.fromkeys(data["domains"])),
            source_escalation=source_escalation,
            raised_by=data.get("raised_by"),
            visit_history=visit_history or [],
            **{f: str(data.get(f, "")).strip() for f in INTAKE_TEXT_FIELDS},
        )
        _save_numbered(case, timezone.localdate(now))
        for member in members:
            member.case = case
        HouseholdMember.objects.bulk_create(members)
        TeamMember.objects.create(
            case=case, organisation=organisation, basis=TeamBasis.INTAKE, added_at=now, added_by=user
        )
        audit_record(
            actor=user,
            action=AuditAction.CREATE,
            target_type=AuditTarget.CASE,
            target_ids=case.person_ids(),
            detail={"case": case.pk, "organisation": organisation.pk},
            request=request,
        )
    return case


def _visit_snapshot(visits: Iterable[WatchVisit]) -> list[dict]:
    return [
        {
            "observed_at": v.observed_at.isoformat(),
            "method": v.get_method_display(),
            "outcome": v.get_outcome_display(),
            "concerns": v.concern_labels(),
            "note": v.note,
        }
        for v in visits
    ]


def escalation_to_open(user, escalation_id: object, *, request: HttpRequest | None = None) -> Escalation:  # noqa: ANN001
    """The escalation a case may be opened from by this user (its handler: watch's check, 404 or the refusal page,
    logged); CaseError when a case was already opened from it."""
    escalation = escalation_for_handler(user, escalation_id, request=request)
    if Case.objects.filter(source_escalation=escalation).exists():
        raise CaseError([ESCALATION_HAS_CASE_MESSAGE])
    return escalation


def open_case_from_escalation(
    escalation: Escalation | object,
    by,  # noqa: ANN001
    *,
    data: Mapping[str, Any],
    household: Sequence[Mapping[str, Any]] = (),
    request: HttpRequest | None = None,
) -> Case:
    """A watch-over escalation becomes a case: the handler (receiving agency or the ward) opens it with the
    person as client, the recent visits copied, and the watcher recorded, who is told 支援を開始しました /
    支援を終了しました later (tsunagu.cases.services.notices) and sees the escalation 受理されました now."""
    # An id as typed reaches watch's check, which answers 404 and logs a guessed one.
    escalation_id = escalation.pk if isinstance(escalation, Escalation) else escalation
    escalation = escalation_to_open(by, escalation_id, request=request)
    visits = WatchVisit.objects.filter(person_id=escalation.person_id, observed_at__lte=escalation.visit.observed_at)
    history = _visit_snapshot(visits.order_by("-observed_at")[:VISIT_HISTORY_LIMIT])
    intake = {
        **data,
        "client_id": escalation.person_id,
        "anonymous": False,
        "route": data.get("route") or Route.WATCH,
        "raised_by": escalation.visit.recorded_by,
    }
    try:
        with transaction.atomic():
            case = case_open(
                by,
                data=intake,
                household=household,
                request=request,
                source_escalation=escalation,
                visit_history=history,
            )
            escalation_acknowledge(by, escalation.pk, request=request)
    except IntegrityError:
        # Two staff opening the same escalation at once: the second is told, nothing is stored twice.
        raise CaseError([ESCALATION_HAS_CASE_MESSAGE]) from None
    return case


def consent_record(
    user,  # noqa: ANN001
    case: Case,
    *,
    decision: str,
    decided_on: datetime.date,
    all_agencies: bool = False,
    agencies: Iterable[Organisation] = (),
    given_by: str = "",
    method: str = "",
    note: str = "",
    request: HttpRequest | None = None,
) -> ConsentToShare:
    """Record the client's decision on sharing (a new row: the latest is in force). The caller reached the case
    through case_or_404 (team members only)."""
    agencies = list(agencies)
    errors = []
    if decision not in ConsentDecision.values:
        errors.append(BAD_CONSENT_MESSAGE)
    elif decision == ConsentDecision.GIVEN and not (all_agencies or agencies):
        errors.append(CONSENT_SCOPE_MESSAGE)
    if decided_on > timezone.localdate():
        errors.append(FUTURE_CONSENT_MESSAGE)
    if errors:
        raise CaseError(errors)
    given = decision == ConsentDecision.GIVEN
    with transaction.atomic():
        consent = ConsentToShare.objects.create(
            case=case,
            decision=decision,
            decided_on=decided_on,
            all_agencies=given and all_agencies,
            given_by=given_by.strip(),
            method=method.strip(),
            note=note.strip(),
            recorded_by=user,
        )
        if given and not all_agencies:
            consent.agencies.set(agencies)
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            target_type=AuditTarget.CASE,
            target_ids=case.person_ids(),
            detail={"case": case.pk, "consent": decision},
            request=request,
        )
    return consent


def consent_in_force(case: Case) -> ConsentToShare | None:
    """The client's latest decision on sharing (None: never asked)."""
    return case.consents.order_by("-decided_on", "-pk").prefetch_related("agencies").first()


def consent_covering(case: Case, organisation: Organisation) -> ConsentToShare | None:
    """The consent in force when it lets the case be shared with this agency; None otherwise."""
    consent = consent_in_force(case)
    if consent is None or consent.decision != ConsentDecision.GIVEN:
        return None
    if consent.all_agencies or any(o.pk == organisation.pk for o in consent.agencies.all()):
        return consent
    return None
