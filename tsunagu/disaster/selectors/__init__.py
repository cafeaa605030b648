"""Reads of the disaster app: events, an event's safety list and its live dashboard (safety.py); other parts live
in their own modules beside them."""

from .safety import (
    UNCONFIRMED_LIMIT,
    Dashboard,
    SafetyList,
    SafetyRow,
    dashboard,
    event_persons,
    events_for,
    safety_list,
    safety_row,
)

__all__ = [
    "UNCONFIRMED_LIMIT",
    "Dashboard",
    "SafetyList",
    "SafetyRow",
    "dashboard",
    "event_persons",
    "events_for",
    "safety_list",
    "safety_row",
]
