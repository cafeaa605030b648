"""The case pages: thin views over tsunagu.cases.selectors and services (the team check, the transitions and the
audit are theirs)."""

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

__all__ = [
    "attachment_view",
    "case_consent_view",
    "case_new_view",
    "case_referral_view",
    "case_team_view",
    "case_view",
    "from_escalation_view",
    "my_cases_view",
    "notices_view",
    "referral_view",
    "referrals_view",
    "shared_cases_view",
]
