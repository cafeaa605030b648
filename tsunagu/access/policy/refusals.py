"""Refusals: every "you may not" ends here, as one kind of exception, one audit row and one page."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.functional import Promise

from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record


class Refused(PermissionDenied):
    """A refusal with what it was about, for the audit log, and the sentence to show."""

    def __init__(
        self,
        message: str | Promise,
        *,
        target: str = AuditTarget.PAGE,
        target_ids: Iterable[int] = (),
        detail: dict | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.target = target
        self.target_ids = list(target_ids)
        self.detail = detail or {}


def refusal_record(*, request: HttpRequest, exception: Exception | None) -> None:
    """The one `denied` audit row of a refused request (pages and API alike)."""
    if isinstance(exception, Refused):
        target, target_ids, detail = exception.target, exception.target_ids, dict(exception.detail)
    else:
        target, target_ids, detail = AuditTarget.PAGE, [], {}
    detail.setdefault("requested_id", request.path[:64])
    audit_record(
        actor=getattr(request, "user", None),
        action=AuditAction.DENIED,
        target_type=target,
        target_ids=target_ids,
        detail=detail,
        request=request,
    )


def refusal_message(exception: Exception | None) -> str:
    """The sentence the 403 page shows: a Refused's own, or none (the page's general text suffices)."""
    if isinstance(exception, Refused):
        return str(exception.message)
    return ""
