"""The case pages: thin views over tsunagu.cases.selectors and services (the team check, the transitions and the
audit are theirs)."""

from .conferences import (
    acknowledge_view,
    apply_decision_view,
    conference_action_view,
    conference_new_view,
    conference_pdf_view,
    conference_view,
    conferences_view,
    minutes_view,
    task_status_view,
)
from .pages import (
    attachment_view,
    case_consent_view,
    case_new_view,
    case_referral_view,
    case_team_view,
    case_view,
    from_escalation_view,
    my_cases_view,
    notices_view,
    referral_view,
    referrals_view,
    shared_cases_view,
)
from .plans import approvals_view, plan_action_view, plan_pdf_view, plan_view

__all__ = [
    "acknowledge_view",
    "apply_decision_view",
    "approvals_view",
    "attachment_view",
    "case_consent_view",
    "case_new_view",
    "case_referral_view",
    "case_team_view",
    "case_view",
    "conference_action_view",
    "conference_new_view",
    "conference_pdf_view",
    "conference_view",
    "conferences_view",
    "from_escalation_view",
    "minutes_view",
    "my_cases_view",
    "notices_view",
    "plan_action_view",
    "plan_pdf_view",
    "plan_view",
    "referral_view",
    "referrals_view",
    "shared_cases_view",
    "task_status_view",
]
