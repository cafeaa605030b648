"""Writes of the cases app: intake (also from a watch-over escalation), the client's consent to share, the case
team, closed-loop referrals (one transitions table) and the notices to whoever raised the concern."""

from .errors import CaseError
from .intake import (
    acting_agency,
    case_agencies_of,
    case_open,
    client_or_deny,
    consent_covering,
    consent_in_force,
    consent_record,
    escalation_to_open,
    open_case_from_escalation,
)
from .notices import notify_raiser
from .outreach import (
    FlagResult,
    may_own,
    outreach_create,
    outreach_flag,
    outreach_note,
    outreach_reopen,
    outreach_resolve,
    outreach_update,
)
from .referrals import TRANSITIONS, Action, allowed_actions, referral_create, referral_transition
from .team import on_team, team_add, team_agency_of, team_end

__all__ = [
    "TRANSITIONS",
    "Action",
    "CaseError",
    "FlagResult",
    "acting_agency",
    "allowed_actions",
    "case_agencies_of",
    "case_open",
    "client_or_deny",
    "consent_covering",
    "consent_in_force",
    "consent_record",
    "escalation_to_open",
    "may_own",
    "notify_raiser",
    "on_team",
    "open_case_from_escalation",
    "outreach_create",
    "outreach_flag",
    "outreach_note",
    "outreach_reopen",
    "outreach_resolve",
    "outreach_update",
    "referral_create",
    "referral_transition",
    "team_add",
    "team_agency_of",
    "team_end",
]
