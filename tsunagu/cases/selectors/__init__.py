"""Reads of the cases app, all through the team check of tsunagu.cases.scope (visible_cases_q), and of support
conferences, through their participants."""

from .access import attachment_for_download, case_or_404, received_open_q, referral_or_404, visible_cases
from .conferences import (
    AgendaRow,
    ConferenceAccess,
    ConferencePage,
    TaskRow,
    conference_access,
    conference_list,
    conference_or_404,
    conferences_for,
    my_tasks,
    my_tasks_qs,
    overdue_task_count,
    task_or_404,
)
from .lists import (
    CaseCounts,
    ReferralRow,
    case_counts,
    my_cases,
    my_cases_qs,
    open_referrals,
    open_referrals_qs,
    raiser_notices,
    shared_cases,
    shared_cases_qs,
)
from .plans import approvals_pending, plan_for_export, plan_page

__all__ = [
    "AgendaRow",
    "CaseCounts",
    "ConferenceAccess",
    "ConferencePage",
    "ReferralRow",
    "TaskRow",
    "approvals_pending",
    "attachment_for_download",
    "case_counts",
    "case_or_404",
    "conference_access",
    "conference_list",
    "conference_or_404",
    "conferences_for",
    "my_cases",
    "my_cases_qs",
    "my_tasks",
    "my_tasks_qs",
    "open_referrals",
    "open_referrals_qs",
    "overdue_task_count",
    "plan_for_export",
    "plan_page",
    "raiser_notices",
    "received_open_q",
    "referral_or_404",
    "shared_cases",
    "shared_cases_qs",
    "task_or_404",
    "visible_cases",
]
