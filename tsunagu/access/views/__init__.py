"""The audit log pages and the site's 403 handler."""

from .audit_log import (
    DATE_ORDER_MESSAGE,
    VERIFY_MORE_MESSAGE,
    VERIFY_OK_MESSAGE,
    VERIFY_PROBLEM_LINE,
    VERIFY_PROBLEMS_MESSAGE,
    VERIFY_PROBLEMS_SHOWN,
    AuditRow,
    AuditSearchForm,
    audit_log,
    audit_log_verify,
)
from .errors import (
    forbidden,
)

__all__ = [
    "DATE_ORDER_MESSAGE",
    "VERIFY_MORE_MESSAGE",
    "VERIFY_OK_MESSAGE",
    "VERIFY_PROBLEMS_MESSAGE",
    "VERIFY_PROBLEMS_SHOWN",
    "VERIFY_PROBLEM_LINE",
    "AuditRow",
    "AuditSearchForm",
    "audit_log",
    "audit_log_verify",
    "forbidden",
]
