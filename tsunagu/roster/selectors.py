"""Reads of the roster: the latest build as a user may see it, the difference between two builds, and why one
person is or is not listed. Every read of personal data goes through tsunagu.access.policy and the audit log."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from tsunagu.access import policy
from tsunagu.audit.models import AuditAction
from tsunagu.audit.services import audit_denied, audit_record
from tsunagu.core.paging import PageWindow, take_page
from tsunagu.core.wareki import age_on, format_birth_with_age, format_wareki, today_jst
from tsunagu.organisations.models import DataScope
from tsunagu.people.models import (
    CareLevel,
    Consent,
    IntellectualGrade,
    Person,
    PhysicalDisabilityType,
    ResidentStatus,
    Sex,
)

from .models import RosterBuild, RosterEntry, RosterEntryReason, RosterRule, RuleKind, SelfRequest
from .rules import RuleError, rule_condition

ROSTER_MAX_PAGE_SIZE = 200

# The legal items (49条の10) and the ward's additions, in the order the diff page lists them.
LEGAL_FIELDS = (
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "birth_date",
    "sex",
    "town_id",
    "address",
    "address_extra",
    "phone",
)
SUPPORT_FIELDS = (
    "care_level",
    "physical_disability_type",
    "physical_disability_grade",
    "intellectual_disability_grade",
    "mental_disability_grade",
    "intractable_disease",
    "lives_alone",
    "elderly_only_household",
)
REASONS_FIELD = "reasons"


def latest_build() -> RosterBuild | None:
    return RosterBuild.current()


# --- the roster list ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterFilters:
    district_id: int | None = None
    town_id: int | None = None

    def describe(self) -> str:
        """The filters as the audit log's query text."""
        parts = [f"{name}={getattr(self, name)}" for name in ("district_id", "town_id") if getattr(self, name)]
        return " ".join(parts)


def roster_entries_queryset(
    *,
    user,  # noqa: ANN001
    build: RosterBuild | None,
    filters: RosterFilters | None = None,
) -> QuerySet[RosterEntry]:
    """The entries of `build` whose person the user may see, not yet audited, in 町丁目 and address order."""
    if build is None:
        return RosterEntry.objects.none()
    filters = filters or RosterFilters()
    visible = policy.visible_persons(user).values("pk")
    qs = RosterEntry.objects.filter(build=build, person__in=visible)
    if filters.town_id:
        qs = qs.filter(town_id=filters.town_id)
    if filters.district_id:
        qs = qs.filter(town__town_districts__district_id=filters.district_id)
    return qs.select_related("town").order_by("town__code", "address", "address_extra", "family_name_kana", "pk")


@dataclass
class RosterRow:
    entry: RosterEntry
    reasons: list[str]
    full: bool  # the support attributes may be shown (FULL detail level for this person)

    @property
    def birth_with_age(self) -> str:
        return format_birth_with_age(self.entry.birth_date, today_jst())

    @property
    def sex_label(self) -> str:
        return _display(self.entry, "sex")

    @property
    def support(self) -> list[str]:
        """The support attributes the entry has, as short phrases (「要介護3」「身体 1級」「ひとり暮らし」)."""
        return entry_support_phrases(self.entry)


@dataclass(kw_only=True)
class RosterPage(PageWindow):
    build: RosterBuild | None
    rows: list[RosterRow]

    @property
    def any_full(self) -> bool:
        return any(row.full for row in self.rows)


def _reasons_by_person(build: RosterBuild, person_ids: list[int]) -> dict[int, list[str]]:
    reasons: dict[int, list[str]] = defaultdict(list)
    rows = (
        RosterEntryReason.objects.filter(build=build, person_id__in=person_ids)
        .order_by("rule__sort_order", "rule_id")
        .values_list("person_id", "label")
    )
    for person_id, label in rows:
        reasons[person_id].append(label)
    return reasons


def _full_detail_ids(user, grants: list[policy.Grant], person_ids: list[int]) -> set[int]:  # noqa: ANN001
    """Which of these persons the user sees at the FULL level (professionals), in at most one query."""
    full_grants = [g for g in grants if g.level == policy.DetailLevel.FULL]
    if not full_grants or not person_ids:
        return set()
    if len(full_grants) == len(grants):
        return set(person_ids)
    return set(policy.visible_persons(user, grants=full_grants).filter(pk__in=person_ids).values_list("pk", flat=True))


def roster_list(
    *,
    user,  # noqa: ANN001
    filters: RosterFilters | None = None,
    page: int = 1,
    page_size: int = 50,
    request: HttpRequest | None = None,
) -> RosterPage:
    """One page of the latest build as the user may see it, with each person's reasons. One audit entry names
    exactly the persons shown."""
    filters = filters or RosterFilters()
    build = latest_build()
    entries, window = take_page(
        roster_entries_queryset(user=user, build=build, filters=filters),
        page=page,
        page_size=page_size,
        max_page_size=ROSTER_MAX_PAGE_SIZE,
    )
    ids = [e.person_id for e in entries]
    reasons = _reasons_by_person(build, ids) if build is not None and ids else {}
    full_ids = _full_detail_ids(user, policy.grants_for(user), ids)
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        target_type="person",
        target_ids=ids,
        query=filters.describe(),
        detail={"roster_build": build.number if build else None, "total": window.total, "page": window.page},
        request=request,
    )
    rows = [RosterRow(entry=e, reasons=reasons.get(e.person_id, []), full=e.person_id in full_ids) for e in entries]
    return RosterPage(build=build, rows=rows, total=window.total, page=window.page, page_size=window.page_size)


# --- versions and their differences -----------------------------------------------------------------------


def roster_builds() -> QuerySet[RosterBuild]:
    return RosterBuild.objects.select_related("built_by").order_by("-number")


@dataclass(frozen=True)
class FieldChange:
    field: str  # a RosterEntry field name, or REASONS_FIELD
    label: str
    old: str
    new: str
    is_legal_item: bool


@dataclass
class ChangedEntry:
    old: RosterEntry
    new: RosterEntry
    changes: list[FieldChange]

    @property
    def fields(self) -> list[str]:
        return [c.field for c in self.changes]


@dataclass
class DiffEntry:
    entry: RosterEntry
    reasons: list[str]


@dataclass
class RosterDiff:
    build: RosterBuild
    previous: RosterBuild | None
    added: list[DiffEntry] = field(default_factory=list)
    removed: list[DiffEntry] = field(default_factory=list)
    changed: list[ChangedEntry] = field(default_factory=list)

    @property
    def person_ids(self) -> list[int]:
        return [d.entry.person_id for d in (*self.added, *self.removed)] + [c.new.person_id for c in self.changed]


def _entry_label(name: str) -> str:
    if name == REASONS_FIELD:
        return _("事由")
    if name == "town_id":  # the model field has no verbose name of its own
        return _("町丁目")
    return str(RosterEntry._meta.get_field(name.removesuffix("_id")).verbose_name)


_CHOICES = {
    "sex": dict(Sex.choices),
    "care_level": dict(CareLevel.choices),
    "physical_disability_type": dict(PhysicalDisabilityType.choices),
    "intellectual_disability_grade": dict(IntellectualGrade.choices),
}


def _display(entry: RosterEntry, name: str) -> str:
    value = getattr(entry, name)
    if name == "town_id":
        return entry.town.name
    if value is None or value == "":
        return _("なし")
    if isinstance(value, bool):
        return _("はい") if value else _("いいえ")
    if isinstance(value, datetime.date):
        return format_wareki(value)
    if name in ("physical_disability_grade", "mental_disability_grade"):
        return _("{grade}級").format(grade=value)
    if name in _CHOICES:
        return str(_CHOICES[name].get(value, value))
    return str(value)


def entry_support_phrases(entry: RosterEntry) -> list[str]:
    phrases = []
    if entry.care_level:
        phrases.append(_display(entry, "care_level"))
    if entry.physical_disability_type or entry.physical_disability_grade:
        kind = _display(entry, "physical_disability_type") if entry.physical_disability_type else ""
        grade = _display(entry, "physical_disability_grade") if entry.physical_disability_grade else ""
        phrases.append(_("身体障害者手帳 {kind}{grade}").format(kind=kind, grade=grade).strip())
    if entry.intellectual_disability_grade:
        phrases.append(_("療育手帳 {grade}").format(grade=_display(entry, "intellectual_disability_grade")))
    if entry.mental_disability_grade:
        phrases.append(_("精神障害者保健福祉手帳 {grade}").format(grade=_display(entry, "mental_disability_grade")))
    if entry.intractable_disease:
        phrases.append(_("難病"))
    if entry.lives_alone:
        phrases.append(_("ひとり暮らし"))
    if entry.elderly_only_household:
        phrases.append(_("高齢者のみ世帯"))
    return phrases


def _entries_and_reasons(build: RosterBuild) -> tuple[dict[int, RosterEntry], dict[int, list[str]]]:
    entries = {e.person_id: e for e in RosterEntry.objects.filter(build=build).select_related("town")}
    reasons: dict[int, list[str]] = defaultdict(list)
    for person_id, label in (
        RosterEntryReason.objects.filter(build=build)
        .order_by("rule__sort_order", "rule_id")
        .values_list("person_id", "label")
    ):
        reasons[person_id].append(label)
    return entries, reasons


def _sort_key(entry: RosterEntry) -> tuple:
    return (entry.town.code, entry.address, entry.address_extra, entry.family_name_kana, entry.person_id)


def roster_build_diff(build: RosterBuild) -> RosterDiff:
    """What changed since the previous build: persons added, removed, and changed (legal items, support
    attributes, reasons: old → new). Four queries whatever the size (both builds' entries and reasons in bulk).
    Not audited here: the caller shows the result and records whom it showed."""
    previous = RosterBuild.objects.filter(number__lt=build.number).order_by("-number").first()
    new_entries, new_reasons = _entries_and_reasons(build)
    if previous is None:
        old_entries: dict[int, RosterEntry] = {}
        old_reasons: dict[int, list[str]] = {}
    else:
        old_entries, old_reasons = _entries_and_reasons(previous)
    diff = RosterDiff(build=build, previous=previous)
    for person_id, entry in new_entries.items():
        old = old_entries.get(person_id)
        if old is None:
            diff.added.append(DiffEntry(entry, new_reasons.get(person_id, [])))
            continue
        changes = [
            FieldChange(name, _entry_label(name), _display(old, name), _display(entry, name), name in LEGAL_FIELDS)
            for name in (*LEGAL_FIELDS, *SUPPORT_FIELDS)
            if getattr(old, name) != getattr(entry, name)
        ]
        before, after = old_reasons.get(person_id, []), new_reasons.get(person_id, [])
        if sorted(before) != sorted(after):
            changes.append(
                FieldChange(
                    REASONS_FIELD,
                    _entry_label(REASONS_FIELD),
                    "、".join(before) or _("なし"),
                    "、".join(after) or _("なし"),
                    True,
                )
            )
        if changes:
            diff.changed.append(ChangedEntry(old=old, new=entry, changes=changes))
    for person_id, entry in old_entries.items():
        if person_id not in new_entries:
            diff.removed.append(DiffEntry(entry, old_reasons.get(person_id, [])))
    diff.added.sort(key=lambda d: _sort_key(d.entry))
    diff.removed.sort(key=lambda d: _sort_key(d.entry))
    diff.changed.sort(key=lambda c: _sort_key(c.new))
    return diff


# --- why a person is or is not listed ---------------------------------------------------------------------


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
    verdicts: list[RuleVerdict]
    consent: Consent | None
    self_requests: list[SelfRequest]

    @property
    def is_resident(self) -> bool:
        return self.person.status == ResidentStatus.RESIDENT

    @property
    def would_be_listed(self) -> bool:
        """Whether a build made today from the current rules and data would list the person."""
        return self.is_resident and any(v.meets for v in self.verdicts)


def _grade_range(threshold: str) -> str:
    return _("1〜{grade}級").format(grade=threshold)


def _care_label(value: str) -> str:
    return str(dict(CareLevel.choices).get(value, value)) if value else _("なし")


def rule_threshold_display(rule: RosterRule) -> str:
    """The threshold as staff read it: 「要介護3以上」「1〜2級」「75歳以上」; 「—」 for kinds without one."""
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
    Out of scope or unknown: Http404, and the attempt is logged."""
    try:
        pk = int(str(person_id))
    except ValueError:
        pk = None
    person = policy.visible_persons(user).select_related("town").filter(pk=pk).first() if pk is not None else None
    if person is None:
        audit_denied(actor=user, request=request, target_type="person", target_id=person_id)
        raise Http404("person not found or out of scope")
    day = day or policy.today()
    rules = list(RosterRule.objects.filter(is_active=True))
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
    build = latest_build()
    in_build = build is not None and RosterEntry.objects.filter(build=build, person=person).exists()
    reasons = _reasons_by_person(build, [person.pk]).get(person.pk, []) if in_build else []
    consent = Consent.objects.filter(person=person, scope=DataScope.ROSTER).order_by("-recorded_at", "-id").first()
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
        verdicts=verdicts,
        consent=consent,
        self_requests=requests,
    )
