"""Evacuation plan pages (plans.py) and supporter matching (matching.py)."""

from .matching import (
    CONFIRMED_MESSAGE,
    REJECTED_MESSAGE,
    RUN_DONE_MESSAGE,
    matching_run_view,
    proposal_confirm_view,
    proposal_list_view,
    proposal_reject_view,
)
from .plans import (
    PLAN_LIST_PAGE_SIZE,
    plan_detail_view,
    plan_list_view,
    plan_pdf_view,
    plan_progress_view,
    plan_supporter_row_view,
)

__all__ = [
    "CONFIRMED_MESSAGE",
    "PLAN_LIST_PAGE_SIZE",
    "REJECTED_MESSAGE",
    "RUN_DONE_MESSAGE",
    "matching_run_view",
    "plan_detail_view",
    "plan_list_view",
    "plan_pdf_view",
    "plan_progress_view",
    "plan_supporter_row_view",
    "proposal_confirm_view",
    "proposal_list_view",
    "proposal_reject_view",
]
