"""Needs (地域ニーズ) taken by the volunteer centre from residents, groups, care plazas and forums."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tsunagu.access.policy import Capability, require_capability
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.core.japanese import normalize_phone

from ..models import ACCEPTED_STATUSES, Need, NeedStatus


class NeedRefused(Exception):  # noqa: N818 - the product's word for it
    pass


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


NEED_NOT_OPEN_FOR_EDIT = _("募集中のニーズだけ変更できます。変更するときは、先に募集を再開してください。")
# The public items of a need the centre may correct while it is open; the requester is not among them (it is
# asked again as a new need rather than rewritten under volunteers who already said yes).
EDITABLE_FIELDS = (
    "kind",
    "title",
    "description",
    "skills",
    "district",
    "town",
    "starts_at",
    "ends_at",
    "volunteers_needed",
)


def need_update(*, actor, need: Need, request: HttpRequest | None = None, **fields) -> Need:  # noqa: ANN001, ANN003
    """Corrects an open need's public items (logged with the names of the fields that changed). When the number
    of volunteers needed drops to those who already said yes, the need is filled."""
    require_capability(actor, Capability.MANAGE_VOLUNTEERS)
    if need.status != NeedStatus.OPEN:
        raise NeedRefused(NEED_NOT_OPEN_FOR_EDIT)
    changed = []
    for name in EDITABLE_FIELDS:
        if name not in fields:
            continue
        value = sorted(set(fields[name] or [])) if name == "skills" else fields[name]
        if getattr(need, name) != value:
            setattr(need, name, value)
            changed.append(name)
    if not changed:
        return need
    update_fields = list(changed)
    if "district" in changed:
        need.municipality_id = need.district.municipality_id
        update_fields.append("municipality")
    accepted = need.matches.filter(status__in=ACCEPTED_STATUSES).count()
    if accepted >= need.volunteers_needed:
        need.status = NeedStatus.FILLED
        update_fields.append("status")
    with transaction.atomic():
        need.save(update_fields=update_fields)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            target_type=AuditTarget.VOLUNTEER_NEED,
            target_ids=[need.pk],
            detail={"changed": changed, **({"status": need.status} if "status" in update_fields else {})},
            request=request,
        )
    return need
