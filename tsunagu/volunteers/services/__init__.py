"""Writes of the volunteer centre (each with its audit row)."""

from .matches import MatchRefused, match_complete, match_propose, match_respond
from .needs import need_create, need_set_status
from .volunteers import RegistrationRefused, volunteer_check, volunteer_link_user, volunteer_register

__all__ = [
    "MatchRefused",
    "RegistrationRefused",
    "match_complete",
    "match_propose",
    "match_respond",
    "need_create",
    "need_set_status",
    "volunteer_check",
    "volunteer_link_user",
    "volunteer_register",
]
