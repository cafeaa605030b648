"""The professional's side of an escalation: acknowledge (受理) and close (対応しました). Who may: members of the
receiving organisation, and the ward's welfare section as supervisor of every escalation in its ward."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.access.policy import Refused
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_denied, audit_record
from tsunagu.core.ids import as_pk
from tsunagu.organisations.models import DataScope, OrganisationKind

from ..models import Escalation
from .errors import WatchError

NOT_RECEIVER_MESSAGE = _("このつなぎを受け取った団体の職員と、区役所の福祉部門だけが対応を記録できます。")
ALREADY_CLOSED_MESSAGE = _("このつなぎはすでに対応済です。")


def handles_escalation(user, escalation: Escalation) -> bool:  # noqa: ANN001
    """A member of the receiving organisation, or the ward welfare section of the person's ward."""
    viewer = policy.viewer_for(user)
    for m in viewer.memberships:
        if m.organisation_id == escalation.organisation_id:
            return True
        if m.organisation.kind == OrganisationKind.WARD_WELFARE and m.organisation.municipality_id == (
            escalation.person.town.municipality_id
        ):
            return True
    return False


def escalation_for_handler(user, escalation_id: object, *, request: HttpRequest | None = None) -> Escalation:  # noqa: ANN001
    """The escalation if the user handles it and sees its person; else 404 (unknown) or the refusal page."""
    pk = as_pk(escalation_id)
    escalation = (
        Escalation.objects.select_related("person__town", "organisation", "visit").filter(pk=pk).first()
        if pk
        else None
    )
    if escalation is None:
        audit_denied(actor=user, request=request, target_type=AuditTarget.WATCH_ESCALATION, target_id=escalation_id)
        raise Http404("no such escalation")
    policy.person_or_deny(user, escalation.person_id, request=request, scope=DataScope.WATCH)
    if not handles_escalation(user, escalation):
        raise Refused(NOT_RECEIVER_MESSAGE, target=AuditTarget.WATCH_ESCALATION, target_ids=[escalation.person_id])
    return escalation


def escalation_acknowledge(user, escalation_id: object, *, request: HttpRequest | None = None) -> Escalation:  # noqa: ANN001
    escalation = escalation_for_handler(user, escalation_id, request=request)
    with transaction.atomic():
        escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
        if escalation.acknowledged_at is None:
            escalation.acknowledged_at = timezone.now()
            escalation.acknowledged_by = user
            escalation.save(update_fields=["acknowledged_at", "acknowledged_by"])
            audit_record(
                actor=user,
                action=AuditAction.UPDATE,
                target_type=AuditTarget.WATCH_ESCALATION,
                target_ids=[escalation.person_id],
                detail={"escalation": escalation.pk, "acknowledged": True},
                request=request,
            )
    return escalation


def escalation_close(
    user,  # noqa: ANN001
    escalation_id: object,
    *,
    note: str = "",
    request: HttpRequest | None = None,
) -> Escalation:
    """対応しました: the watcher sees that and when, never the note."""
    escalation = escalation_for_handler(user, escalation_id, request=request)
    with transaction.atomic():
        escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
        if escalation.closed_at is not None:
            raise WatchError([ALREADY_CLOSED_MESSAGE])
        now = timezone.now()
        if escalation.acknowledged_at is None:
            escalation.acknowledged_at, escalation.acknowledged_by = now, user
        escalation.closed_at, escalation.closed_by = now, user
        escalation.closing_note = note.strip()
        escalation.save(update_fields=["acknowledged_at", "acknowledged_by", "closed_at", "closed_by", "closing_note"])
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            target_type=AuditTarget.WATCH_ESCALATION,
            target_ids=[escalation.person_id],
            detail={"escalation": escalation.pk, "closed": True},
            request=request,
        )
    return escalation


def escalation_close_with_case(
    escalation_id: int,
    by,  # noqa: ANN001
    *,
    note: str,
    request: HttpRequest | None = None,
) -> Escalation | None:
    """対応しました when the support case opened from this escalation ends: the watcher sees that and when. The
    caller (tsunagu.cases) has closed that case as a member of its team, which may be an agency the escalation
    did not reach (the case was referred on), so no handler check here. None when it was already closed."""
    with transaction.atomic():
        escalation = Escalation.objects.select_for_update().filter(pk=escalation_id, closed_at__isnull=True).first()
        if escalation is None:
            return None
        now = timezone.now()
        if escalation.acknowledged_at is None:
            escalation.acknowledged_at, escalation.acknowledged_by = now, by
        escalation.closed_at, escalation.closed_by = now, by
        escalation.closing_note = note.strip()
        escalation.save(update_fields=["acknowledged_at", "acknowledged_by", "closed_at", "closed_by", "closing_note"])
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            target_type=AuditTarget.WATCH_ESCALATION,
            target_ids=[escalation.person_id],
            detail={"escalation": escalation.pk, "closed": True, "case_closed": True},
            request=request,
        )
    return escalation
