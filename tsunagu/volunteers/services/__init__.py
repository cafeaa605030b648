"""Writes of the volunteer centre (each with its audit row)."""

from .matches import MatchRefused, match_complete, match_propose, match_respond
from .member_services import (
    ServiceRefused,
    activity_approve,
    activity_report,
    activity_reverse,
    member_leave,
    member_register,
    rate_add,
    scheme_create,
    service_request_assign,
    service_request_cancel,
    service_request_create,
)
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
    "ServiceRefused",
    "TrainingRefused",
    "activity_approve",
    "activity_report",
    "activity_reverse",
    "attendance_enrol",
    "attendance_record",
    "completion_expiry",
    "completion_record",
    "course_create",
    "course_set_active",
    "match_complete",
    "match_propose",
    "match_respond",
    "member_leave",
    "member_register",
    "need_create",
    "need_set_status",
    "need_update",
    "rate_add",
    "scheme_create",
    "service_request_assign",
    "service_request_cancel",
    "service_request_create",
    "session_create",
    "volunteer_check",
    "volunteer_link_user",
    "volunteer_register",
]
