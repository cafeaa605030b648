"""Reads of the watch-over app. Every read that shows a person goes through the access policy (WATCH scope)
and writes an audit entry; counts do not."""

from .activity import (
    ActivityRecordPage,
    ActivityTotals,
    activity_record,
    activity_record_export,
    activity_totals,
    activity_totals_export,
    can_view_activity_totals,
    managed_minsei_ids,
    my_activity_months,
)
from .escalations import (
    EscalationRow,
    escalation_detail,
    escalation_inbox,
    escalations_for_watcher,
    overdue_escalations,
    urgent_escalations_for_home,
)
from .lists import WatchRow, my_watch_list, overdue_worklist, watch_person, with_last_contact
from .routes import ward_route, ward_routes

__all__ = [
    "ActivityRecordPage",
    "ActivityTotals",
    "EscalationRow",
    "WatchRow",
    "activity_record",
    "activity_record_export",
    "activity_totals",
    "activity_totals_export",
    "can_view_activity_totals",
    "escalation_detail",
    "escalation_inbox",
    "escalations_for_watcher",
    "managed_minsei_ids",
    "my_activity_months",
    "my_watch_list",
    "overdue_escalations",
    "overdue_worklist",
    "urgent_escalations_for_home",
    "ward_route",
    "ward_routes",
    "watch_person",
    "with_last_contact",
]
