"""Writes of the volunteer centre (each with its audit row)."""

from .matches import MatchRefused, match_complete, match_propose, match_respond
from .needs import NeedRefused, need_create, need_set_status, need_update
from .training import (
    TrainingRefused,
    attendance_enrol,
    attendance_record,
    completion_expiry,
    completion_record,
    course_create,
    course_set_active,
    session_create,
)
from .volunteers import RegistrationRefused, volunteer_check, volunteer_link_user, volunteer_register

__all__ = [
    "MatchRefused",
    "NeedRefused",
    "RegistrationRefused",
    "TrainingRefused",
    "attendance_enrol",
    "attendance_record",
    "completion_expiry",
    "completion_record",
    "course_create",
    "course_set_active",
    "match_complete",
    "match_propose",
    "match_respond",
    "need_create",
    "need_set_status",
    "need_update",
    "session_create",
    "volunteer_check",
    "volunteer_link_user",
    "volunteer_register",
]
