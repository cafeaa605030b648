from __future__ import annotations

from django.http import HttpRequest

from tsunagu.access import policy
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record


class CommunityError(Exception):
    """Content the service refuses, with Japanese messages for the form or the API (400)."""

    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = list(messages)


def logged(user, action: str, *, request: HttpRequest | None = None, **detail: object) -> None:  # noqa: ANN001
    """Every write of a member is audit-logged, as other writes are (forum content names no resident)."""
    audit_record(
        actor=policy.viewer_for(user).user,
        action=action,
        target_type=AuditTarget.FORUM,
        detail={k: v for k, v in detail.items() if v is not None},
        request=request,
    )


CREATE, UPDATE = AuditAction.CREATE, AuditAction.UPDATE
