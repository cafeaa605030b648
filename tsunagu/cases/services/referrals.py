"""Closed-loop referrals: agency A asks agency B to support a client; B answers by a deadline; the referral
stays open until an outcome is recorded. Every status change goes through referral_transition and the one
TRANSITIONS table below, and writes a ReferralEvent (who, when, why) and an audit row.

    依頼中 ─受理→ 受理 ─支援開始→ 支援開始
       │            ├─支援不要(理由)→ 支援不要
       │            └─他機関へ再紹介(理由)→ 他機関へ再紹介 (+ a new referral from B, 依頼中)
       ├─辞退(理由)→ 辞退            (by B)
       └─取消(理由)→ 取消            (by A)

A referral needs the client's consent covering B, or the ward's override with a reason (logged)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.access.policy import Capability
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.organisations.models import CASE_AGENCY_KINDS, Organisation

from ..models import (
    Case,
    NoticeKind,
    Referral,
    ReferralAttachment,
    ReferralEvent,
    ReferralStatus,
    TeamBasis,
)
from .errors import CaseError
from .intake import acting_agency, case_agencies_of, consent_covering
from .notices import notify_raiser
from .team import on_team, team_add

NO_REASON_MESSAGE = _("紹介の理由を入力してください。")
BAD_TARGET_MESSAGE = _("紹介先には、相談支援に関わるほかの機関を選んでください。")
DEADLINE_PAST_MESSAGE = _("回答期限には今日以降の日付を指定してください。")
NO_CONSENT_MESSAGE = _(
    "本人の同意がこの紹介先を含んでいません。同意を記録するか、区役所の福祉部門が理由を記録して紹介してください。"
)
OVERRIDE_REASON_MESSAGE = _("同意によらず紹介する理由を入力してください。")
ALREADY_OPEN_MESSAGE = _("この機関への紹介はすでに依頼中です。")
NOT_SENDER_MESSAGE = _("この操作は紹介元の機関の職員だけができます。")
NOT_RECEIVER_MESSAGE = _("この操作は紹介先の機関の職員だけができます。")
REASON_REQUIRED_MESSAGE = _("「%(action)s」には理由の入力が必要です。")
ILLEGAL_MESSAGE = _("「%(status)s」の紹介は「%(action)s」にできません。")
ATTACHMENT_SIZE_MESSAGE = _("添付ファイルは1件10MBまでです（%(name)s）。")
NEW_TARGET_MESSAGE = _("再紹介の紹介先と回答期限を指定してください。")
DEFAULT_RESPONSE_DAYS = 7
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


class Action(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    START_SUPPORT = "start_support"
    NO_SUPPORT = "no_support"
    RE_REFER = "re_refer"
    CANCEL = "cancel"


class Side(StrEnum):
    SENDER = "sender"
    RECEIVER = "receiver"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: ReferralStatus
    side: Side
    reason_required: bool
    label: str | Promise


REQUESTED = frozenset({ReferralStatus.REQUESTED})
ACCEPTED = frozenset({ReferralStatus.ACCEPTED})

# The state machine, in one place.
TRANSITIONS: dict[Action, Transition] = {
    Action.ACCEPT: Transition(REQUESTED, ReferralStatus.ACCEPTED, Side.RECEIVER, False, _("受理")),
    Action.DECLINE: Transition(REQUESTED, ReferralStatus.DECLINED, Side.RECEIVER, True, _("辞退")),
    Action.CANCEL: Transition(REQUESTED, ReferralStatus.CANCELLED, Side.SENDER, True, _("取消")),
    Action.START_SUPPORT: Transition(ACCEPTED, ReferralStatus.SUPPORT_STARTED, Side.RECEIVER, False, _("支援開始")),
    Action.NO_SUPPORT: Transition(ACCEPTED, ReferralStatus.NO_SUPPORT_NEEDED, Side.RECEIVER, True, _("支援不要")),
    Action.RE_REFER: Transition(ACCEPTED, ReferralStatus.RE_REFERRED, Side.RECEIVER, True, _("他機関へ再紹介")),
}


def allowed_actions(referral: Referral, organisation_ids: frozenset[int]) -> list[Action]:
    """The actions these agencies may take on the referral now (the buttons a page shows)."""
    actions = []
    for action, t in TRANSITIONS.items():
        side_org = referral.to_organisation_id if t.side == Side.RECEIVER else referral.from_organisation_id
        if referral.status in t.sources and side_org in organisation_ids:
            actions.append(action)
    return actions


def _event(referral: Referral, *, from_status: str, user, organisation: Organisation, reason: str) -> None:  # noqa: ANN001
    ReferralEvent.objects.create(
        referral=referral,
        from_status=from_status,
        to_status=referral.status,
        at=referral.status_changed_at,
        by=user,
        organisation=organisation,
        reason=reason,
    )


def _audit(user, referral: Referral, request: HttpRequest | None, action: str, **detail) -> None:  # noqa: ANN001, ANN003
    audit_record(
        actor=user,
        action=action,
        target_type=AuditTarget.REFERRAL,
        target_ids=referral.case.person_ids(),
        detail={"case": referral.case_id, "referral": referral.pk, "status": referral.status, **detail},
        request=request,
    )


def referral_create(
    user,  # noqa: ANN001
    case: Case,
    *,
    to_organisation: Organisation,
    reason: str,
    respond_by: datetime.date | None = None,
    from_organisation_id: object | None = None,
    override_reason: str = "",
    attachments: Sequence[UploadedFile] = (),
    request: HttpRequest | None = None,
    re_referred_from: Referral | None = None,
) -> Referral:
    """Refer the case from one of the user's agencies on its team to another agency. Without consent covering the
    receiver, only the ward's override (OVERRIDE_REFERRAL_CONSENT) with a reason lets it through."""
    policy.require_capability(user, Capability.OPEN_CASE)
    sender = acting_agency(user, from_organisation_id)
    reason, override_reason = reason.strip(), override_reason.strip()
    today = timezone.localdate()
    respond_by = respond_by or today + datetime.timedelta(days=DEFAULT_RESPONSE_DAYS)
    errors: list[str] = []
    if not on_team(case, sender.pk):
        errors.append(NOT_SENDER_MESSAGE)
    if not reason:
        errors.append(NO_REASON_MESSAGE)
    is_agency = to_organisation.kind in CASE_AGENCY_KINDS and to_organisation.is_active
    if to_organisation.pk == sender.pk or not is_agency:
        errors.append(BAD_TARGET_MESSAGE)
    if respond_by < today:
        errors.append(DEADLINE_PAST_MESSAGE)
    for upload in attachments:
        if upload.size > ATTACHMENT_MAX_BYTES:
            errors.append(ATTACHMENT_SIZE_MESSAGE % {"name": upload.name})
    consent = consent_covering(case, to_organisation)
    overridden = False
    if consent is None:
        if not override_reason:
            errors.append(
                NO_CONSENT_MESSAGE
                if not policy.can(user, Capability.OVERRIDE_REFERRAL_CONSENT)
                else OVERRIDE_REASON_MESSAGE
            )
        else:
            policy.require_capability(user, Capability.OVERRIDE_REFERRAL_CONSENT)
            overridden = True
    if case.referrals.filter(to_organisation=to_organisation, status=ReferralStatus.REQUESTED).exists():
        errors.append(ALREADY_OPEN_MESSAGE)
    if errors:
        raise CaseError(errors)
    now = timezone.now()
    with transaction.atomic():
        referral = Referral.objects.create(
            case=case,
            from_organisation=sender,
            to_organisation=to_organisation,
            requested_by=user,
            requested_at=now,
            reason=reason,
            respond_by=respond_by,
            status=ReferralStatus.REQUESTED,
            status_changed_at=now,
            consent=consent,
            consent_overridden_by=user if overridden else None,
            override_reason=override_reason if overridden else "",
            re_referred_from=re_referred_from,
        )
        for upload in attachments:
            ReferralAttachment.objects.create(referral=referral, file=upload, name=upload.name[:200], uploaded_by=user)
        _event(referral, from_status="", user=user, organisation=sender, reason=reason)
        _audit(
            user,
            referral,
            request,
            AuditAction.CREATE,
            consent_overridden=overridden,
            **({"override_reason": override_reason} if overridden else {}),
        )
    return referral


def referral_transition(
    user,  # noqa: ANN001
    referral: Referral,
    action: str,
    *,
    reason: str = "",
    confidentiality_acknowledged: bool = False,
    to_organisation: Organisation | None = None,
    respond_by: datetime.date | None = None,
    override_reason: str = "",
    request: HttpRequest | None = None,
) -> Referral:
    """Move the referral by `action` (see TRANSITIONS), or refuse with a clear message. The caller reached it
    through referral_or_404. Accepting adds the receiver to the case team (on the consent or the override the
    referral was sent under; the receiver acknowledges its confidentiality duty). Re-referring creates the new
    referral from the receiver in the same transaction."""
    try:
        act = Action(action)
    except ValueError:
        raise CaseError([ILLEGAL_MESSAGE % {"status": referral.get_status_display(), "action": action}]) from None
    t = TRANSITIONS[act]
    reason = reason.strip()
    with transaction.atomic():
        referral = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
        if referral.status not in t.sources:
            raise CaseError([ILLEGAL_MESSAGE % {"status": referral.get_status_display(), "action": t.label}])
        side_org_id = referral.to_organisation_id if t.side == Side.RECEIVER else referral.from_organisation_id
        organisation = next((o for o in case_agencies_of(user) if o.pk == side_org_id), None)
        if organisation is None:
            raise CaseError([NOT_RECEIVER_MESSAGE if t.side == Side.RECEIVER else NOT_SENDER_MESSAGE])
        if t.reason_required and not reason:
            raise CaseError([REASON_REQUIRED_MESSAGE % {"action": t.label}])
        if act == Action.RE_REFER and (to_organisation is None):
            raise CaseError([NEW_TARGET_MESSAGE])
        from_status = referral.status
        referral.status = t.target
        referral.status_changed_at = timezone.now()
        if t.side == Side.RECEIVER:
            referral.handled_by = user
        referral.save(update_fields=["status", "status_changed_at", "handled_by"])
        _event(referral, from_status=from_status, user=user, organisation=organisation, reason=reason)
        if act == Action.ACCEPT and not on_team(referral.case, organisation.pk):
            overridden = referral.consent_id is None
            team_add(
                user,
                referral.case,
                organisation,
                basis=TeamBasis.OVERRIDE if overridden else TeamBasis.CONSENT,
                consent=referral.consent,
                referral=referral,
                confidentiality_acknowledged=confidentiality_acknowledged,
                request=request,
            )
        if act == Action.RE_REFER:
            referral_create(
                user,
                referral.case,
                to_organisation=to_organisation,
                reason=reason,
                respond_by=respond_by,
                from_organisation_id=organisation.pk,
                override_reason=override_reason,
                request=request,
                re_referred_from=referral,
            )
        if act == Action.START_SUPPORT:
            notify_raiser(referral.case, NoticeKind.SUPPORT_STARTED)
        _audit(user, referral, request, AuditAction.UPDATE, transition=act.value, from_status=from_status)
    return referral
