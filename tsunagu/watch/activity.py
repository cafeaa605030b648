"""民生委員・児童委員の活動記録 (the commissioner's monthly activity record): the categories of 福祉行政報告例
(民生委員・児童委員の活動状況) and the numbers the visit log can give.

Catalogue: every category has a stable English code, stored as the key of ActivityRecord.counts, and the
Japanese label printed on the form. Four groups, in the order of the paper form:

- 相談・支援件数（分野別） — fields: field_elderly 高齢者に関すること, field_disabled 障害者に関すること,
  field_children 子どもに関すること, field_other その他.
- 相談・支援件数（内容別） — contents: content_home_care 在宅福祉, content_care_insurance 介護保険,
  content_health 健康・保健医療, content_childcare 子育て・母子保健, content_child_community 子どもの地域生活,
  content_child_school 子どもの教育・学校生活, content_living_costs 生活費, content_pension 年金・保険,
  content_work 仕事, content_family 家族関係, content_housing 住居, content_environment 生活環境,
  content_daily_support 日常的な支援, content_other その他.
- その他の活動件数 — activities: activity_survey 調査・実態把握, activity_events 行事・事業・会議への参加協力,
  activity_community 地域福祉活動・自主活動, activity_council 民児協運営・研修, activity_certificates 証明事務,
  activity_child_protection 要保護児童の発見の通告・仲介.
- 訪問・連絡調整・活動日数 — counters: visits 訪問回数, liaison 連絡調整回数, days 活動日数.

What `prefill(user, month)` fills from the commissioner's own visit log (WatchVisit rows of the month, by
`observed_at` in Japan time, `recorded_by` = the commissioner):

- 訪問回数 (visits): visits whose method is 訪問 or 不在 — a call at a door nobody answered is still a visit;
  a call by phone, a greeting or a sighting is not.
- 連絡調整回数 (liaison): escalations raised from the commissioner's visits during the month (by `raised_at`: the
  day the concern reached the professional, which is when the liaising happened, even for a back-dated visit).
- 活動日数 (days): the distinct days (Japan time) with any visit, whatever its method.
- 相談・支援件数 (fields): each visit with outcome 気になる or 緊急 counts once, under the person's field, decided in
  this order: under 18 on the visit's day → 子ども; a disability (any 身体障害者手帳 or 精神障害者保健福祉手帳 grade,
  a 療育手帳, or 難病) → 障害者; 65 or over → 高齢者; anyone else → その他.
- 相談・支援件数 (contents): the same visits, each distinct content once per visit, from the concern tags:

  meals 食事 → 日常的な支援; medication 服薬 → 健康・保健医療; forgetfulness 物忘れ → 在宅福祉;
  neglected_home 住まいの荒れ → 生活環境; mail_piling 郵便物がたまる → 日常的な支援; money 経済的困窮 → 生活費;
  isolation 孤立 → 日常的な支援; abuse 虐待の疑い → 家族関係; health 体調 → 健康・保健医療; other その他 → その他.

  So the two totals of 相談・支援 need not agree (a visit may name two contents, or none); the paper form wants
  one content per consultation, and the commissioner adjusts the numbers before submitting.
- その他の活動件数: not in the visit log; entered by hand (prefilled 0).

Disability is 要配慮個人情報 that a commissioner (a community grant) does not see (DETAIL_FIELDS): a count of
障害者 for a month with one consultation would reveal it. So the handbooks and 難病 are read only for persons the
user sees in full under the WATCH scope; for everyone else only what the commissioner is already shown counts —
the reasons recorded in the current roster (避難支援等を必要とする事由) of persons they see on the roster, when a
reason is a handbook or 難病. Otherwise the person is placed by age, and the commissioner corrects by hand.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections import Counter
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.core.wareki import JST, age_on, format_wareki, today_jst
from tsunagu.organisations.models import DataScope
from tsunagu.people.models import Person
from tsunagu.roster.models import RosterBuild, RosterEntryReason, RuleKind

from .models import ESCALATING_OUTCOMES, ConcernTag, Escalation, VisitMethod, WatchVisit


@dataclass(frozen=True)
class Category:
    code: str
    label: str | Promise


@dataclass(frozen=True)
class CategoryGroup:
    code: str
    label: str | Promise
    categories: tuple[Category, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.categories)


FIELDS = CategoryGroup(
    "fields",
    _("相談・支援件数（分野別）"),
    (
        Category("field_elderly", _("高齢者に関すること")),
        Category("field_disabled", _("障害者に関すること")),
        Category("field_children", _("子どもに関すること")),
        Category("field_other", _("その他")),
    ),
)
CONTENTS = CategoryGroup(
    "contents",
    _("相談・支援件数（内容別）"),
    (
        Category("content_home_care", _("在宅福祉")),
        Category("content_care_insurance", _("介護保険")),
        Category("content_health", _("健康・保健医療")),
        Category("content_childcare", _("子育て・母子保健")),
        Category("content_child_community", _("子どもの地域生活")),
        Category("content_child_school", _("子どもの教育・学校生活")),
        Category("content_living_costs", _("生活費")),
        Category("content_pension", _("年金・保険")),
        Category("content_work", _("仕事")),
        Category("content_family", _("家族関係")),
        Category("content_housing", _("住居")),
        Category("content_environment", _("生活環境")),
        Category("content_daily_support", _("日常的な支援")),
        Category("content_other", _("その他")),
    ),
)
ACTIVITIES = CategoryGroup(
    "activities",
    _("その他の活動件数"),
    (
        Category("activity_survey", _("調査・実態把握")),
        Category("activity_events", _("行事・事業・会議への参加協力")),
        Category("activity_community", _("地域福祉活動・自主活動")),
        Category("activity_council", _("民児協運営・研修")),
        Category("activity_certificates", _("証明事務")),
        Category("activity_child_protection", _("要保護児童の発見の通告・仲介")),
    ),
)
COUNTERS = CategoryGroup(
    "counters",
    _("訪問・連絡調整・活動日数"),
    (
        Category("visits", _("訪問回数")),
        Category("liaison", _("連絡調整回数")),
        Category("days", _("活動日数")),
    ),
)
GROUPS: tuple[CategoryGroup, ...] = (FIELDS, CONTENTS, ACTIVITIES, COUNTERS)
CODES: tuple[str, ...] = tuple(code for group in GROUPS for code in group.codes)
LABELS: dict[str, str | Promise] = {c.code: c.label for group in GROUPS for c in group.categories}
# Entered by hand: the visit log knows nothing of them.
MANUAL_CODES = frozenset(ACTIVITIES.codes)
# Groups whose rows add up to a 計 on the form.
TOTALLED_GROUPS = frozenset({FIELDS.code, CONTENTS.code, ACTIVITIES.code})

CONCERN_CONTENT: dict[str, str] = {
    ConcernTag.MEALS: "content_daily_support",
    ConcernTag.MEDICATION: "content_health",
    ConcernTag.FORGETFULNESS: "content_home_care",
    ConcernTag.NEGLECTED_HOME: "content_environment",
    ConcernTag.MAIL_PILING: "content_daily_support",
    ConcernTag.MONEY: "content_living_costs",
    ConcernTag.ISOLATION: "content_daily_support",
    ConcernTag.ABUSE: "content_family",
    ConcernTag.HEALTH: "content_health",
    ConcernTag.OTHER: "content_other",
}
# A visit of any of these methods went to the door (不在: nobody answered, still a visit made).
VISIT_METHODS = frozenset({VisitMethod.VISIT, VisitMethod.ABSENT})
CHILD_UNDER = 18
ELDERLY_FROM = 65
# Roster reasons (shown to the commissioner) that say the person has a handbook or 難病.
DISABILITY_RULE_KINDS = frozenset(
    {RuleKind.PHYSICAL_GRADE, RuleKind.INTELLECTUAL_GRADE, RuleKind.MENTAL_GRADE, RuleKind.INTRACTABLE_DISEASE}
)

MAX_COUNT = 9999


def empty_counts() -> dict[str, int]:
    return dict.fromkeys(CODES, 0)


# ---------------------------------------------------------------------------------------------------------
# Months

_MONTH_RE = re.compile(r"([0-9]{4})-([0-9]{2})")
FIRST_YEAR = 2000


def parse_month(text: str, *, today: datetime.date | None = None) -> datetime.date | None:
    """「2025-01」 → date(2025, 1, 1); None for anything else, and for a month that has not begun."""
    match = _MONTH_RE.fullmatch(text or "")
    if match is None:
        return None
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12 or year < FIRST_YEAR:
        return None
    first = datetime.date(year, month, 1)
    return first if first <= (today or today_jst()).replace(day=1) else None


def month_key(month: datetime.date) -> str:
    return f"{month:%Y-%m}"


def month_label(month: datetime.date) -> str:
    """「令和7年1月」 (the era of the month's first day)."""
    return format_wareki(month).removesuffix(f"{month.day}日")


def days_in_month(month: datetime.date) -> int:
    return calendar.monthrange(month.year, month.month)[1]


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def previous_month(month: datetime.date) -> datetime.date:
    return (month - datetime.timedelta(days=1)).replace(day=1)


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The month in Japan time, as aware datetimes [start, end)."""
    start = datetime.datetime.combine(month, datetime.time(), tzinfo=JST)
    return start, datetime.datetime.combine(next_month(month), datetime.time(), tzinfo=JST)


# ---------------------------------------------------------------------------------------------------------
# Prefill from the visit log


def person_field(person: Person, day: datetime.date, *, disabled: bool) -> str:
    """The 分野 of a consultation about this person on `day` (the order of the module docstring)."""
    age = age_on(person.birth_date, day) if person.birth_date <= day else 0
    if age < CHILD_UNDER:
        return "field_children"
    if disabled:
        return "field_disabled"
    if age >= ELDERLY_FROM:
        return "field_elderly"
    return "field_other"


def _has_disability_attributes(person: Person) -> bool:
    return bool(
        person.physical_disability_grade is not None
        or person.intellectual_disability_grade
        or person.mental_disability_grade is not None
        or person.intractable_disease
    )


def _disabled_ids(user, persons: dict[int, Person]) -> set[int]:  # noqa: ANN001
    """Which of these persons count under 障害者, reading only what the user may see (module docstring)."""
    if not persons:
        return set()
    full = policy.full_level_ids(user, persons, scope=DataScope.WATCH)
    disabled = {pk for pk in full if _has_disability_attributes(persons[pk])}
    others = [pk for pk in persons if pk not in full]
    if others:
        shown = policy.visible_persons(user).filter(pk__in=others).values("pk")
        disabled |= set(
            RosterEntryReason.objects.filter(
                build_id__in=RosterBuild.current_ids(), person_id__in=shown, rule__kind__in=DISABILITY_RULE_KINDS
            ).values_list("person_id", flat=True)
        )
    return disabled


def prefill(user, month: datetime.date) -> dict[str, int]:  # noqa: ANN001
    """Every category's number for this user's month from their own visit log (module docstring); the
    categories the log knows nothing of are 0."""
    counts = empty_counts()
    start, end = month_bounds(month)
    visits = list(
        WatchVisit.objects.filter(recorded_by=user, observed_at__gte=start, observed_at__lt=end)
        .select_related("person")
        .order_by("observed_at", "pk")
    )
    counts["visits"] = sum(1 for v in visits if v.method in VISIT_METHODS)
    counts["days"] = len({timezone.localtime(v.observed_at, JST).date() for v in visits})
    counts["liaison"] = Escalation.objects.filter(
        visit__recorded_by=user, raised_at__gte=start, raised_at__lt=end
    ).count()

    consultations = [v for v in visits if v.outcome in ESCALATING_OUTCOMES]
    disabled = _disabled_ids(user, {v.person_id: v.person for v in consultations})
    fields: Counter[str] = Counter()
    contents: Counter[str] = Counter()
    for visit in consultations:
        day = timezone.localtime(visit.observed_at, JST).date()
        fields[person_field(visit.person, day, disabled=visit.person_id in disabled)] += 1
        contents.update({CONCERN_CONTENT[tag] for tag in visit.concerns if tag in CONCERN_CONTENT})
    counts.update(fields)
    counts.update(contents)
    return counts


def group_total(group: CategoryGroup, counts: dict[str, int]) -> int:
    return sum(int(counts.get(code, 0)) for code in group.codes)
