"""Recording consent decisions (平常時の名簿提供への同意) and withdrawals.

Consent rows are append-only (tsunagu.people.models.Consent): every decision is a new row and the latest row
per person and scope is the one in force. The same transaction rewrites the person's consent state
(people.ConsentState), which the access policy joins on every query, so a withdrawal takes effect at once in
every page, map, export and API call."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.access.policy import Capability
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.core.wareki import today_jst
from tsunagu.organisations.models import DataScope
from tsunagu.people.models import Consent, ConsentGivenBy, ConsentRequest, ConsentStatus, Person
from tsunagu.people.services.consent_state import refresh_consent_state

from ..kinds import RecipientKind, recipient_kinds_text

UNKNOWN_STATUS_MESSAGE = _("同意の状況が正しくありません。")
UNKNOWN_GIVEN_BY_MESSAGE = _("意思表示をした人が正しくありません（本人・家族・成年後見人のいずれか）。")
UNKNOWN_KIND_MESSAGE = _(
    "提供先の種別「{kind}」は使えません（民生委員・自治会・町内会・自主防災組織・社協・消防・警察）。"
)
KINDS_ONLY_FOR_AGREED_MESSAGE = _("提供先の種別は「同意」のときだけ指定できます。")
WITHDRAW_WITHOUT_AGREEMENT_MESSAGE = _("同意していない方の同意は撤回できません（現在の状況：{status}）。")
FUTURE_DECISION_MESSAGE = _("意思表示の日が未来の日付です。")
OLDER_THAN_CURRENT_MESSAGE = _("この方には、より新しい意思表示（{date}・{status}）が記録されています。")
METHOD_TOO_LONG_MESSAGE = _("確認方法は50文字以内にしてください。")
REPLY_DAYS_MESSAGE = _("回答期限までの日数は1日から120日の間で指定してください。")
NO_UNANSWERED_MESSAGE = _("この地区には、同意が未回答の名簿登載者はいません。")


def require_consent_manager(user) -> None:  # noqa: ANN001
    policy.require_capability(user, Capability.MANAGE_CONSENT)


def consent_problems(
    *,
    person: Person,
    status: str,
    decided_on: datetime.date,
    given_by: str,
    method: str,
    recipient_kinds: Iterable[str],
    current: Consent | None,
    today: datetime.date | None = None,
) -> list[str]:
    """Every reason this decision cannot be recorded (empty: it can). Shared by the single and bulk entry."""
    problems: list[str] = []
    kinds = list(recipient_kinds)
    if status not in ConsentStatus.values:
        problems.append(str(UNKNOWN_STATUS_MESSAGE))
    if given_by not in ConsentGivenBy.values:
        problems.append(str(UNKNOWN_GIVEN_BY_MESSAGE))
    for kind in kinds:
        if kind not in RecipientKind.values:
            problems.append(str(UNKNOWN_KIND_MESSAGE).format(kind=kind))
    if kinds and status != ConsentStatus.AGREED:
        problems.append(str(KINDS_ONLY_FOR_AGREED_MESSAGE))
    if len(method) > 50:
        problems.append(str(METHOD_TOO_LONG_MESSAGE))
    if decided_on > (today or today_jst()):
        problems.append(str(FUTURE_DECISION_MESSAGE))
    if status == ConsentStatus.WITHDRAWN and (current is None or current.status != ConsentStatus.AGREED):
        shown = current.get_status_display() if current is not None else ConsentStatus.UNANSWERED.label
        problems.append(str(WITHDRAW_WITHOUT_AGREEMENT_MESSAGE).format(status=shown))
    # An old reply slip typed in late must not override a newer decision (e.g. a withdrawal by phone).
    if current is not None and decided_on < current.decided_on:
        problems.append(
            str(OLDER_THAN_CURRENT_MESSAGE).format(date=current.decided_on, status=current.get_status_display())
        )
    return problems


def consent_record(
    *,
    person: Person,
    status: str,
    decided_on: datetime.date,
    given_by: str,
    method: str,
    recipient_kinds: Iterable[str],
    recorded_by,  # noqa: ANN001
    request: HttpRequest | None = None,
    scope: str = DataScope.ROSTER,
    consent_request: ConsentRequest | None = None,
) -> Consent:
    """Append one consent decision and its audit entry. Ward welfare staff only (PermissionDenied otherwise);
    ValidationError with every problem when the decision cannot be recorded. `request` is the HTTP request
    the audit entry names (None from the command line); `consent_request` the letter (同意確認書) the decision
    answers, when it came back on its reply slip."""
    require_consent_manager(recorded_by)
    if consent_request is not None and consent_request.person_id != person.pk:
        raise ValueError("the letter was sent to another person")
    kinds = list(recipient_kinds)
    with transaction.atomic():
        # Lock the person so two clerks entering replies for the same person append in a known order.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        if not policy.visible_persons(recorded_by).filter(pk=person.pk).exists():
            raise policy.CapabilityDenied(Capability.MANAGE_CONSENT)
        current = Consent.objects.current_for(person, scope)
        problems = consent_problems(
            person=person,
            status=status,
            decided_on=decided_on,
            given_by=given_by,
            method=method,
            recipient_kinds=kinds,
            current=current,
        )
        if problems:
            raise ValidationError(problems)
        consent = Consent.objects.create(
            person=person,
            scope=scope,
            status=status,
            recipient_kinds=recipient_kinds_text(kinds),
            given_by=given_by,
            method=method,
            decided_on=decided_on,
            recorded_by=recorded_by,
            consent_request=consent_request,
        )
        refresh_consent_state([person.pk], scope=scope)
        audit_record(
            actor=recorded_by,
            action=AuditAction.UPDATE,
            target_type=AuditTarget.PERSON,
            target_ids=[person.pk],
            detail={"consent": status},
            request=request,
        )
    return consent


def consent_withdraw(
    *,
    person: Person,
    decided_on: datetime.date,
    given_by: str,
    method: str,
    recorded_by,  # noqa: ANN001
    request: HttpRequest | None = None,
    scope: str = DataScope.ROSTER,
) -> Consent:
    """撤回: a new WITHDRAWN row after an agreement. From this moment no agreement holder that needs consent
    sees the person (the policy reads the consent state, rewritten in the same transaction)."""
    return consent_record(
        person=person,
        status=ConsentStatus.WITHDRAWN,
        decided_on=decided_on,
        given_by=given_by,
        method=method,
        recipient_kinds=(),
        recorded_by=recorded_by,
        request=request,
        scope=scope,
    )
