"""What the event pages and the dashboard share: an event's state, a person's row with its report form, and who
may open the dashboard."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field

from django.utils import timezone

from tsunagu.access.policy import Capability, can, require_capability

from ..models import DisasterEvent, SafetyReport
from ..selectors import SafetyRow


def may_see_dashboard(user) -> bool:  # noqa: ANN001
    """Who opens the live dashboard (counts, the unconfirmed with their phone numbers, the map): the ward's staff
    who run the event and the responders who see its whole area (Capability.VIEW_SAFETY_DASHBOARD)."""
    return can(user, Capability.VIEW_SAFETY_DASHBOARD)


def require_dashboard(user) -> None:  # noqa: ANN001
    """The one 403 page (and its `denied` audit row) for anyone else."""
    require_capability(user, Capability.VIEW_SAFETY_DASHBOARD)


def event_state(event: DisasterEvent, now: datetime.datetime | None = None) -> str:
    """ "active" (in force), "upcoming" (declared for later) or "ended"."""
    now = now or timezone.now()
    if event.closes_by(now):
        return "ended"
    return "active" if event.started_at <= now else "upcoming"


@dataclass
class RowForm:
    """One person's row with its report form: a fresh id each time the form is drawn (a double submit stores one
    report), or, sent back, what was typed and the errors."""

    row: SafetyRow
    client_id: uuid.UUID = field(default_factory=uuid.uuid4)
    errors: list[str] = field(default_factory=list)
    place: str = ""
    note: str = ""
    recorded: SafetyReport | None = None  # the report just stored (or found stored already: `again`)
    again: bool = False
