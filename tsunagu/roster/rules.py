"""Turning roster rules into database conditions. Each rule is one Q over people.Person, so a build is a
handful of set-based statements over the whole registry, never a loop over residents."""

import datetime

from django.db.models import Exists, OuterRef, Q
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


def rule_condition(rule: RosterRule, *, day: datetime.date) -> Q:
    """The condition a resident meets to be listed under `rule` on `day`."""
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
        requests = SelfRequest.objects.filter(person=OuterRef("pk"), requested_on__lte=day).filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day)
        )
        return Q(Exists(requests))
    raise RuleError(str(BAD_THRESHOLD_MESSAGE).format(label=rule.label, threshold=rule.threshold))
