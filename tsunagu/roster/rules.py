"""Turning roster rules into database conditions. Each rule is one Q over the fields a rule reads, which
people.Person and the build's snapshot (RosterEntry) share, so a build is a handful of set-based statements over
the whole registry, never a loop over residents."""

import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tsunagu.people.models import CareLevel

from .models import RosterRule, RuleKind, SelfRequest

# Care levels in order of need, so "要介護3以上" is a set of values.
CARE_ORDER = [c.value for c in CareLevel]

BAD_THRESHOLD_MESSAGE = _("条件「{label}」の基準「{threshold}」を読み取れません。")


class RuleError(ValueError):
    pass


def _years_ago(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year - years, day=28)


def _int_threshold(rule: RosterRule) -> int:
    try:
        return int(rule.threshold)
    except ValueError:
        raise RuleError(str(BAD_THRESHOLD_MESSAGE).format(label=rule.label, threshold=rule.threshold)) from None


def rule_condition(rule: RosterRule, *, day: datetime.date, person: str = "pk") -> Q:
    """The condition a resident meets to be listed under `rule` on `day`: over people.Person (`person` = "pk")
    or over a build's entries, whose snapshot holds every field a rule reads (`person` = "person_id").

    A self-request is an uncorrelated `IN (SELECT …)`: one pass over the requests (a hashed subplan on
    PostgreSQL, a temporary index on SQLite), also inside an OR of all rules, never a probe per resident."""
    kind = rule.kind
    if kind == RuleKind.CARE_LEVEL:
        if rule.threshold not in CARE_ORDER:
            raise RuleError(str(BAD_THRESHOLD_MESSAGE).format(label=rule.label, threshold=rule.threshold))
        return Q(care_level__in=CARE_ORDER[CARE_ORDER.index(rule.threshold) :])
    if kind == RuleKind.PHYSICAL_GRADE:
        return Q(physical_disability_grade__lte=_int_threshold(rule))
    if kind == RuleKind.INTELLECTUAL_GRADE:
        return Q(intellectual_disability_grade=rule.threshold)
    if kind == RuleKind.MENTAL_GRADE:
        return Q(mental_disability_grade__lte=_int_threshold(rule))
    if kind == RuleKind.INTRACTABLE_DISEASE:
        return Q(intractable_disease=True)
    if kind == RuleKind.AGE_LIVING_ALONE:
        return Q(lives_alone=True, birth_date__lte=_years_ago(day, _int_threshold(rule)))
    if kind == RuleKind.AGE_ELDERLY_ONLY:
        return Q(elderly_only_household=True, birth_date__lte=_years_ago(day, _int_threshold(rule)))
    if kind == RuleKind.SELF_REQUEST:
        requests = SelfRequest.objects.filter(requested_on__lte=day).filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day)
        )
        return Q(**{f"{person}__in": requests.values("person_id")})
    raise RuleError(str(BAD_THRESHOLD_MESSAGE).format(label=rule.label, threshold=rule.threshold))


def listing_condition(rules: list[RosterRule], *, day: datetime.date, person: str = "pk") -> Q:
    """Listed under any of `rules` (nobody without rules)."""
    condition = Q(pk__in=[])
    for rule in rules:
        condition |= rule_condition(rule, day=day, person=person)
    return condition
