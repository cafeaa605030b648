from .me import match_activity, my_page, respond
from .member_services import (
    service_member,
    service_request,
    service_requests,
    service_scheme,
    service_statement,
    service_statement_pdf,
    services,
)
from .public import register, register_done
from .staff import (
    insurance,
    manage,
    need_activity,
    need_detail,
    need_edit,
    need_new,
    needs,
    report,
    volunteer_detail,
)
from .training import completions, course_detail, course_lacking, course_new, courses, session_detail

__all__ = [
    "completions",
    "course_detail",
    "course_lacking",
    "course_new",
    "courses",
    "insurance",
    "manage",
    "match_activity",
    "my_page",
    "need_activity",
    "need_detail",
    "need_edit",
    "need_new",
    "needs",
    "register",
    "register_done",
    "report",
    "respond",
    "service_member",
    "service_request",
    "service_requests",
    "service_scheme",
    "service_statement",
    "service_statement_pdf",
    "services",
    "session_detail",
    "volunteer_detail",
]
