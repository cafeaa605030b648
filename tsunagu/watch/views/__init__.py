from .escalations import (
    escalation_inbox_view,
    escalation_view,
    home_panel_view,
    overdue_escalations_view,
    route_delete_view,
    route_list_view,
)
from .watch import (
    assignment_create_view,
    assignment_end_view,
    bulk_assign_view,
    my_watch_view,
    overdue_view,
    watch_person_view,
)

__all__ = [
    "assignment_create_view",
    "assignment_end_view",
    "bulk_assign_view",
    "escalation_inbox_view",
    "escalation_view",
    "home_panel_view",
    "my_watch_view",
    "overdue_escalations_view",
    "overdue_view",
    "route_delete_view",
    "route_list_view",
    "watch_person_view",
]
