"""Why a person is or is not listed: each active rule applied to this one person, beside the latest build's
recorded reasons."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Value, When
from django.http import HttpRequest
from django.utils.translation import gettext as _

from tsunagu.access import policy
from tsunagu.audit.models import AuditAction
from tsunagu.audit.services import audit_record
from tsunagu.core.wareki import age_on, format_wareki
from tsunagu.people.models import CareLevel, Consent, IntellectualGrade, Person, ResidentStatus

from ..models import RosterBuild, RosterEntry, RosterRule, RuleKind, SelfRequest
from ..rules import RuleError, rule_condition
from .entries import latest_build, reasons_by_person


@dataclass(frozen=True)
class RuleVerdict:
    rule: RosterRule
    description: str  # the person's relevant value and the rule's threshold, in words
    meets: bool | None  # None: the rule could not be applied (its threshold is unreadable)
    error: str = ""


@dataclass
class RosterExplanation:
    person: Person
    day: datetime.date
    build: RosterBuild | None
    in_build: bool
    build_reasons: list[str]
    # Each rule applied today reads the support attributes (要介護度, 手帳, 難病 …), which only the FULL detail
    # level may show (policy.DETAIL_FIELDS); a community viewer gets the build's recorded reasons alone.
    verdicts_shown: bool
    verdicts: list[RuleVerdict]
    consent: Consent | None
    # Who decided, when and how is internal to the ward and its professional partners; others see the status.
    consent_details_shown: bool
    self_requests: list[SelfRequest]

    @property
    def is_resident(self) -> bool:
        return self.person.status == ResidentStatus.RESIDENT

    @property
    def would_be_listed(self) -> bool:
        """Whether a build made today from the current rules and data would list the person."""
        return self.is_resident and any(v.meets for v in self.verdicts)


def _grade_range(threshold: str) -> str:
    """「1〜2級」 for grades 1 to 2; a range of one grade is that grade: 「1級」, never 「1〜1級」."""
    try:
        grade: int | str = int(threshold)
    except ValueError:
        grade = threshold  # unreadable: shown as typed (the rule's own error says what is wrong)
    if grade == 1:
        return _("{grade}級").format(grade=grade)
    return _("1〜{grade}級").format(grade=grade)


def _care_label(value: str) -> str:
    return str(dict(CareLevel.choices).get(value, value)) if value else _("なし")


def rule_threshold_display(rule: RosterRule) -> str:
    """The threshold as staff read it: 「要介護3以上」「1〜2級」「1級」「75歳以上」; 「—」 for kinds without one."""
    kind, threshold = rule.kind, rule.threshold
    if not threshold:
        return "—"
    if kind == RuleKind.CARE_LEVEL:
        return _("{level}以上").format(level=_care_label(threshold))
    if kind in (RuleKind.PHYSICAL_GRADE, RuleKind.MENTAL_GRADE):
        return _grade_range(threshold)
    if kind == RuleKind.INTELLECTUAL_GRADE:
        return str(dict(IntellectualGrade.choices).get(threshold, threshold))
    if kind in (RuleKind.AGE_LIVING_ALONE, RuleKind.AGE_ELDERLY_ONLY):
        return _("{age}歳以上").format(age=threshold)
    return threshold


def _describe(rule: RosterRule, person: Person, day: datetime.date, requests: list[SelfRequest]) -> str:
    """The person's value for the rule and the rule's threshold, e.g. 「要介護度：要介護2（基準：要介護3以上）」."""
    kind, threshold = rule.kind, rule.threshold
    if kind == RuleKind.CARE_LEVEL:
        return _("要介護度：{value}（基準：{threshold}以上）").format(
            value=_care_label(person.care_level), threshold=_care_label(threshold)
        )
    if kind == RuleKind.PHYSICAL_GRADE:
        value = (
            _("{grade}級").format(grade=person.physical_disability_grade)
            if person.physical_disability_grade
            else _("なし")
        )
        return _("身体障害者手帳：{value}（基準：{threshold}）").format(value=value, threshold=_grade_range(threshold))
    if kind == RuleKind.INTELLECTUAL_GRADE:
        labels = dict(IntellectualGrade.choices)
        return _("療育手帳：{value}（基準：{threshold}）").format(
            value=labels.get(person.intellectual_disability_grade, _("なし")),
            threshold=labels.get(threshold, threshold),
        )
    if kind == RuleKind.MENTAL_GRADE:
        value = (
            _("{grade}級").format(grade=person.mental_disability_grade) if person.mental_disability_grade else _("なし")
        )
        return _("精神障害者保健福祉手帳：{value}（基準：{threshold}）").format(
            value=value, threshold=_grade_range(threshold)
        )
    if kind == RuleKind.INTRACTABLE_DISEASE:
        return _("難病：{value}（基準：難病あり）").format(value=_("あり") if person.intractable_disease else _("なし"))
    age = age_on(person.birth_date, day) if person.birth_date <= day else 0
    if kind == RuleKind.AGE_LIVING_ALONE:
        household = _("ひとり暮らし") if person.lives_alone else _("同居者あり")
        return _("年齢 {age}歳・{household}（基準：{threshold}歳以上のひとり暮らし）").format(
            age=age, household=household, threshold=threshold
        )
    if kind == RuleKind.AGE_ELDERLY_ONLY:
        household = _("高齢者のみ世帯") if person.elderly_only_household else _("高齢者のみ世帯ではない")
        return _("年齢 {age}歳・{household}（基準：{threshold}歳以上の高齢者のみ世帯）").format(
            age=age, household=household, threshold=threshold
        )
    if kind == RuleKind.SELF_REQUEST:
        current = [r for r in requests if r.requested_on <= day and (r.withdrawn_on is None or r.withdrawn_on > day)]
        if current:
            value = _("あり（{day}）").format(day=format_wareki(current[0].requested_on))
        elif requests:
            value = _("取下げ済み")
        else:
            value = _("なし")
        return _("本人の申出：{value}（基準：申出があり取り下げていない）").format(value=value)
    return rule.get_kind_display()


def person_roster_explanation(
    *,
    user,  # noqa: ANN001
    person_id: object,
    request: HttpRequest | None = None,
    day: datetime.date | None = None,
) -> RosterExplanation:
    """Why a person the user may see is or is not listed: each active rule applied with the build's own
    conditions (rule_condition) to this one person, and the latest build's recorded reasons.
    Out of scope or unknown: Http404, and the attempt is logged. Consent details (who decided, how, when) are
    internal: only a viewer who sees the person in full gets them; others see the status alone. So are the
    rules' verdicts, which read the support attributes: a community viewer gets none."""
    person = policy.person_or_deny(user, person_id, request=request)
    day = day or policy.today()
    full = bool(policy.full_level_ids(user, [person.pk]))
    rules = list(RosterRule.objects.filter(is_active=True)) if full else []
    # One query decides every rule: each condition becomes a boolean column of the same row.
    annotations = {}
    errors: dict[int, str] = {}
    for rule in rules:
        try:
            condition = rule_condition(rule, day=day)
        except RuleError as error:
            errors[rule.pk] = str(error)
            continue
        annotations[f"rule_{rule.pk}"] = Case(
            When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    met: dict[str, bool] = {}
    if annotations:
        met = Person.objects.filter(pk=person.pk).annotate(**annotations).values(*annotations).first() or {}
    requests = list(SelfRequest.objects.filter(person=person).order_by("-requested_on", "-id"))
    verdicts = [
        RuleVerdict(
            rule=rule,
            description=_describe(rule, person, day, requests),
            meets=None if rule.pk in errors else bool(met.get(f"rule_{rule.pk}")),
            error=errors.get(rule.pk, ""),
        )
        for rule in rules
    ]
    build = latest_build(user)
    in_build = build is not None and RosterEntry.objects.filter(build=build, person=person).exists()
    reasons = reasons_by_person(build, [person.pk]).get(person.pk, []) if in_build else []
    consent = Consent.objects.current_for(person)
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        target_type="person",
        target_ids=[person.pk],
        query="roster_why",
        request=request,
    )
    return RosterExplanation(
        person=person,
        day=day,
        build=build,
        in_build=in_build,
        build_reasons=reasons,
        verdicts_shown=full,
        verdicts=verdicts,
        consent=consent,
        consent_details_shown=full,
        self_requests=requests,
    )
