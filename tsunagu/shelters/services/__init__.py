"""Writes to the shelter registry: the import (services.importing) and the ward's 福祉避難所 mark."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from tsunagu.access.policy import Capability, require_capability
from tsunagu.audit.models import AuditAction
from tsunagu.audit.services import audit_record
from tsunagu.shelters.models import Shelter

__all__ = ["shelter_set_welfare"]


def shelter_set_welfare(
    *, user: Any, shelter: Shelter, is_welfare_shelter: bool, request: HttpRequest | None = None
) -> Shelter:
    """Mark or unmark a shelter as 福祉避難所. Published lists do not carry it, so the ward keeps it here."""
    require_capability(user, Capability.MANAGE_SHELTERS)
    with transaction.atomic():
        before = shelter.is_welfare_shelter
        shelter.is_welfare_shelter = is_welfare_shelter
        shelter.save(update_fields=["is_welfare_shelter"])
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            target_type="shelter",
            target_ids=[shelter.pk],
            detail={"is_welfare_shelter": [before, is_welfare_shelter]},
            request=request,
        )
    return shelter
