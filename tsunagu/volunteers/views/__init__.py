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
from .staff import insurance, manage, need_detail, need_new, needs, report, volunteer_detail

__all__ = [
    "insurance",
    "manage",
    "match_activity",
    "my_page",
    "need_detail",
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
    "volunteer_detail",
]
