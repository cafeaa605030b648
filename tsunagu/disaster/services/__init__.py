"""Writes of the disaster app: events (events.py) and safety reports (events.py); shelters in an event and other
parts live in their own modules beside them."""

from .events import (
    DISASTER_ACCESS,
    DisasterError,
    ReportResult,
    event_declare,
    event_end,
    event_of_ward,
    event_start,
    safety_report_record,
)

__all__ = [
    "DISASTER_ACCESS",
    "DisasterError",
    "ReportResult",
    "event_declare",
    "event_end",
    "event_of_ward",
    "event_start",
    "safety_report_record",
]
