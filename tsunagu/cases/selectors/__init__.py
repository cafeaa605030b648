"""Reads of the cases app, all through the team check of tsunagu.cases.scope (visible_cases_q)."""

from .access import attachment_for_download, case_or_404, received_open_q, referral_or_404, visible_cases
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
from .outreach import (
    OutreachFilters,
    OutreachRow,
    open_outreach_qs,
    outreach_counts,
    outreach_or_404,
    outreach_qs,
    outreach_worklist,
)
from .timeline import TimelineEntry, case_timeline, timeline_source

__all__ = [
    "CaseCounts",
    "OutreachFilters",
    "OutreachRow",
    "ReferralRow",
    "TimelineEntry",
    "attachment_for_download",
    "case_counts",
    "case_or_404",
    "case_timeline",
    "my_cases",
    "my_cases_qs",
    "open_outreach_qs",
    "open_referrals",
    "open_referrals_qs",
    "outreach_counts",
    "outreach_or_404",
    "outreach_qs",
    "outreach_worklist",
    "raiser_notices",
    "received_open_q",
    "referral_or_404",
    "shared_cases",
    "shared_cases_qs",
    "timeline_source",
    "visible_cases",
]
