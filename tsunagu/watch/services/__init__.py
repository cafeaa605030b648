"""Writes of the watch-over app: assignments, visits (with their escalation), the professional's answer to an
escalation, the routing table and the commissioners' monthly activity records."""

from .activity import ActivityError, activity_record_reopen, activity_record_save, commissioner_membership
from .assignments import (
    BulkResult,
    assignment_create,
    assignment_end,
    assignments_bulk_create,
    roster_candidates,
    user_by_id,
)
from .errors import WatchError
from .escalations import (
    escalation_acknowledge,
    escalation_close,
    escalation_close_with_case,
    escalation_for_handler,
    handles_escalation,
)
from .routing import acknowledge_deadline, route_delete, route_for, route_save
from .visits import VisitResult, acting_assignments, visit_record

__all__ = [
    "ActivityError",
    "BulkResult",
    "VisitResult",
    "WatchError",
    "acknowledge_deadline",
    "acting_assignments",
    "activity_record_reopen",
    "activity_record_save",
    "assignment_create",
    "assignment_end",
    "assignments_bulk_create",
    "commissioner_membership",
    "escalation_acknowledge",
    "escalation_close",
    "escalation_close_with_case",
    "escalation_for_handler",
    "handles_escalation",
    "roster_candidates",
    "route_delete",
    "route_for",
    "route_save",
    "user_by_id",
    "visit_record",
]
