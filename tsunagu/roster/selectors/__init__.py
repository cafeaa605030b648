"""Reads of the roster. Every read of personal data goes through tsunagu.access.policy and the audit log.

- lists.py: the latest build as a user may see it
- diffs.py: versions and what changed between them
- explanations.py: why one person is or is not listed
- distribution.py: the register of copies handed out, and what a copy holds
- entries.py: an entry's fields and reasons in words (shared by the others)"""

from .diffs import (
    DIFF_PAGE_SIZE,
    DIFF_SECTIONS,
    DiffSection,
    RemovedEntry,
    RosterDiff,
    RosterDiffPage,
    roster_build_changes,
    roster_build_diff,
    roster_builds,
)
from .distribution import (
    DistributionFilters,
    DistributionStatus,
    agreements_for_distribution,
    distribution_entries,
    distribution_get,
    distribution_grant,
    distribution_list,
    distribution_overdue,
    distribution_persons,
    overdue_q,
)
from .entries import (
    LEGAL_FIELDS,
    REASONS_FIELD,
    SUPPORT_FIELDS,
    entry_display,
    entry_support_phrases,
    latest_build,
    reasons_by_person,
)
from .explanations import RosterExplanation, RuleVerdict, person_roster_explanation, rule_threshold_display
from .lists import (
    ROSTER_MAX_PAGE_SIZE,
    ConsentColumn,
    ConsentState,
    RosterAreas,
    RosterFilters,
    RosterPage,
    RosterRow,
    roster_consent_column,
    roster_entries_queryset,
    roster_filter_areas,
    roster_list,
)

__all__ = [
    "DIFF_PAGE_SIZE",
    "DIFF_SECTIONS",
    "LEGAL_FIELDS",
    "REASONS_FIELD",
    "ROSTER_MAX_PAGE_SIZE",
    "SUPPORT_FIELDS",
    "ConsentColumn",
    "ConsentState",
    "DiffSection",
    "DistributionFilters",
    "DistributionStatus",
    "RemovedEntry",
    "RosterAreas",
    "RosterDiff",
    "RosterDiffPage",
    "RosterExplanation",
    "RosterFilters",
    "RosterPage",
    "RosterRow",
    "RuleVerdict",
    "agreements_for_distribution",
    "distribution_entries",
    "distribution_get",
    "distribution_grant",
    "distribution_list",
    "distribution_overdue",
    "distribution_persons",
    "entry_display",
    "entry_support_phrases",
    "latest_build",
    "overdue_q",
    "person_roster_explanation",
    "reasons_by_person",
    "roster_build_changes",
    "roster_build_diff",
    "roster_builds",
    "roster_consent_column",
    "roster_entries_queryset",
    "roster_filter_areas",
    "roster_list",
    "rule_threshold_display",
]
