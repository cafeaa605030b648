from .public import (
    article_detail,
    article_list,
    calendar_ics,
    event_detail,
    event_flyer,
    event_ics,
    event_list,
    event_signup,
    signup_status,
)
from .staff import article_edit, event_edit, event_signups, manage, translation_edit

__all__ = [
    "article_detail",
    "article_edit",
    "article_list",
    "calendar_ics",
    "event_detail",
    "event_edit",
    "event_flyer",
    "event_ics",
    "event_list",
    "event_signup",
    "event_signups",
    "manage",
    "signup_status",
    "translation_edit",
]
