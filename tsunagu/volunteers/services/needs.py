"""Needs (地域ニーズ) taken by the volunteer centre from residents, groups, care plazas and forums."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from tsunagu.access.policy import Capability, require_capability
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.core.japanese import normalize_phone

from ..models import Need, NeedStatus


def need_create(*, actor, request: HttpRequest | None = None, **fields) -> Need:  # noqa: ANN001, ANN003
    """Records a need. `fields` are Need's fields (from NeedForm.cleaned_data or the API)."""
    require_capability(actor, Capability.MANAGE_VOLUNTEERS)
    skills = fields.pop("skills", []) or []
    need = Need(created_by=actor, skills=sorted(set(skills)), **fields)
    need.requester_phone = normalize_phone(need.requester_phone)
    if need.district_id and not fields.get("municipality"):
        need.municipality_id = need.district.municipality_id
    with transaction.atomic():
        need.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            target_type=AuditTarget.VOLUNTEER_NEED,
            target_ids=[need.pk],
            request=request,
        )
    return need


def need_set_status(*, actor, need: Need, status: str, request: HttpRequest | None = None) -> Need:  # noqa: ANN001
    require_capability(actor, Capability.MANAGE_VOLUNTEERS)
    if status not in NeedStatus.values:
        raise ValueError(status)
    need.status = status
    with transaction.atomic():
        need.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target_type=AuditTarget.VOLUNTEER_NEED,
            target_ids=[need.pk],
            detail={"status": status},
            request=request,
        )
    return need
