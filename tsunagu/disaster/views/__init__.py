"""Pages of the disaster app. Events and their safety list (events.py) and the live dashboard (dashboard.py) are
re-exported here; the phone page and shelters keep their own modules beside them (imported by their urls)."""

from .dashboard import dashboard_data_view, dashboard_map_view, dashboard_view
from .events import (
    event_declare_view,
    event_end_view,
    event_start_view,
    event_view,
    events_view,
    safety_report_view,
)

__all__ = [
    "dashboard_data_view",
    "dashboard_map_view",
    "dashboard_view",
    "event_declare_view",
    "event_end_view",
    "event_start_view",
    "event_view",
    "events_view",
    "safety_report_view",
]
