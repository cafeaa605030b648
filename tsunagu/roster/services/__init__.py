"""Writes of the roster: builds and rules (builds.py), the distribution register (distribution.py)."""

from .builds import (
    DEFAULT_RULES,
    SNAPSHOT_FIELDS,
    entry_of,
    roster_build,
    roster_rule_deactivate,
    roster_rule_save,
    roster_rules_create_defaults,
)
from .distribution import (
    DistributionRefusedError,
    default_return_due,
    distribution_create,
    distribution_mark_destroyed,
    distribution_mark_returned,
)

__all__ = [
    "DEFAULT_RULES",
    "SNAPSHOT_FIELDS",
    "DistributionRefusedError",
    "default_return_due",
    "distribution_create",
    "distribution_mark_destroyed",
    "distribution_mark_returned",
    "entry_of",
    "roster_build",
    "roster_rule_deactivate",
    "roster_rule_save",
    "roster_rules_create_defaults",
]
