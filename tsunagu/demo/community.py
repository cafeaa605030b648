"""The demo's district forums (話し合いの場): one per 小学校区 with the ward office, the 社協, the care plaza of
the district, the 民生委員児童委員協議会 (the 地区民児協 take part in every district's forum) and the
district's 連合振興町会 as members (the demo's 町会 login reaches 泉尾東's forum, its 民生委員 login every
forum); a year of bimonthly meetings
with minutes and attendance, the latest a 見守り活動報告会 carrying the watch figures of its district; area issues
with tags, linked to the meetings that discussed them; nested action items with progress and timeline entries.

Called by tsunagu.demo.ward.generate_ward for the home ward once watch-over exists (the 報告会 takes its figures).
Everything goes through the community services, so every text passes the personal-data check and every write is
audit-logged as the demo's ward officer. Deterministic for the seed and the demo's day: its own random stream,
every query ordered."""

from __future__ import annotations

import datetime
import random

from django.utils.translation import gettext

from tsunagu.accounts.models import User
from tsunagu.areas.models import District, Municipality
from tsunagu.community.models import (
    ActionItem,
    ActionStatus,
    ActionUpdate,
    AreaIssue,
    Forum,
    ForumMember,
    IssueEvent,
    IssueTag,
    Meeting,
    MeetingKind,
    MemberRole,
)
from tsunagu.community.services import (
    action_create,
    action_update,
    forum_create,
    issue_create,
    issue_link_meeting,
    meeting_create,
    meeting_update,
    member_add,
)
from tsunagu.organisations.models import Organisation, OrganisationKind

__all__ = ["clear_community", "generate_community"]

MEETINGS = 6  # bimonthly over the year before the demo's day
PLACES = ("地域集会所", "小学校の多目的室", "老人憩の家", "区民センター会議室")

# (title, description, tags, actions: ((parent title, ((child title, status, progress), ...)), ...))
ISSUES: tuple[tuple[str, str, tuple[str, ...], tuple[tuple[str, tuple[tuple[str, str, int], ...]], ...]], ...] = (
    (
        "近くで買い物ができず困っている高齢の方が多い",
        "スーパーの閉店後、坂や距離のために買い物をあきらめる声が見守りの訪問で多く聞かれます。",
        (IssueTag.SHOPPING, IssueTag.MOBILITY),
        (
            (
                "移動販売の誘致",
                (("事業者への打診", ActionStatus.DONE, 100), ("停車場所の調整", ActionStatus.ACTIVE, 50)),
            ),
        ),
    ),
    (
        "ひとり暮らしの方が地域とつながる場が少ない",
        "サロンに来ない方、特に男性のひとり暮らしの方と会う機会がありません。",
        (IssueTag.ISOLATION,),
        (
            (
                "男性向けの居場所づくり",
                (("将棋・囲碁の会の試行", ActionStatus.ACTIVE, 40), ("案内チラシの配布", ActionStatus.PLANNED, 0)),
            ),
            ("サロンの回数を増やす", ()),
        ),
    ),
    (
        "子育て中の親が相談できる相手が見つからない",
        "転入してきた子育て世帯が、地域の子育て支援の情報を知らないという声がありました。",
        (IssueTag.CHILDCARE,),
        (
            (
                "子育てサロンの周知",
                (("保育所・幼稚園への案内", ActionStatus.DONE, 100), ("転入時の案内の配布", ActionStatus.ACTIVE, 30)),
            ),
        ),
    ),
    (
        "災害時に支援が必要な方の避難を誰が手伝うか決まっていない",
        "名簿はあっても、個別避難計画の支援者が見つからない方が多く残っています。",
        (IssueTag.DISASTER,),
        (
            (
                "防災訓練で避難の手助けを練習する",
                (("訓練の計画", ActionStatus.DONE, 100), ("訓練の実施と振り返り", ActionStatus.PLANNED, 0)),
            ),
        ),
    ),
    (
        "空き家が増え、防犯と防災が心配",
        "管理されていない空き家の周りで、ごみの放置や倒壊のおそれが話題になっています。",
        (IssueTag.VACANT_HOUSE, IssueTag.DISASTER),
        (("空き家の情報を区役所と共有する", (("町会ごとの見回り", ActionStatus.ACTIVE, 60),)),),
    ),
    (
        "通院の足がない方がいる",
        "バス停まで歩けない方が、通院のたびに家族やタクシーに頼っています。",
        (IssueTag.MOBILITY, IssueTag.HEALTH),
        (("通院の付き添いボランティアの募集", ()),),
    ),
)


def clear_community() -> None:
    """Forums name districts, organisations and users a replaced ward deletes (PROTECT): dependants first."""
    ActionUpdate.objects.all().delete()
    while ActionItem.objects.exists():  # leaves first: a parent is protected by its children
        ActionItem.objects.exclude(pk__in=ActionItem.objects.filter(parent__isnull=False).values("parent_id")).delete()
    IssueEvent.objects.all().delete()
    AreaIssue.objects.update(merged_into=None, split_from=None)
    for model in (AreaIssue, Meeting, ForumMember, Forum):
        model.objects.all().delete()


def _districts(municipality: Municipality) -> list[District]:
    """The 小学校区, or the ward's first layer of districts when it has none."""
    districts = District.objects.filter(municipality=municipality).select_related("district_type")
    schools = list(districts.filter(district_type__code="school").order_by("code"))
    if schools:
        return schools
    first = districts.order_by("district_type__sort_order", "code").first()
    return [] if first is None else list(districts.filter(district_type=first.district_type).order_by("code"))


def _meeting_days(today: datetime.date, rng: random.Random) -> list[datetime.date]:
    """Every other month over the past year, the oldest first, each on a weekday and before the demo's day."""
    days = []
    for back in range(MEETINGS, 0, -1):
        month_index = today.year * 12 + today.month - 1 - 2 * back + 1
        day = datetime.date(month_index // 12, month_index % 12 + 1, rng.randint(8, 24))
        while day.weekday() >= 5:
            day -= datetime.timedelta(days=1)
        days.append(min(day, today - datetime.timedelta(days=1)))
    return days


def generate_community(*, municipality: Municipality, seed: int, today: datetime.date, progress) -> int:  # noqa: ANN001
    rng = random.Random(f"community-{seed}")  # noqa: S311 - reproducible demo data, not secrets
    officer = User.objects.get(username="ward")
    orgs = Organisation.objects.filter(municipality=municipality, is_active=True).order_by("pk")
    ward_office = orgs.filter(kind=OrganisationKind.WARD_WELFARE).first()
    shakyo = orgs.filter(kind=OrganisationKind.SHAKYO).first()
    minsei = orgs.filter(kind=OrganisationKind.MINSEI).first()
    plazas = orgs.filter(kind=OrganisationKind.CARE_PLAZA)
    joined_on = today - datetime.timedelta(days=400)
    count = 0
    for district in _districts(municipality):
        forum = forum_create(officer, district=district, name=gettext("%(d)s 話し合いの場") % {"d": district.name})
        forum.description = gettext("町会・民生委員・社協・区役所が、地区の困りごとを持ち寄って話し合う場です。")
        forum.is_public = rng.random() < 0.7
        if forum.is_public:
            forum.public_summary = gettext("偶数月に集まり、地区の課題と取組を話し合っています。")
        forum.save(update_fields=["description", "is_public", "public_summary"])
        members = []
        for organisation, role in (
            (ward_office, MemberRole.WARD),
            (shakyo, MemberRole.SHAKYO),
            (plazas.filter(service_districts=district).first(), MemberRole.PROFESSIONAL),
            (minsei, MemberRole.COMMISSIONER),
            (
                orgs.filter(
                    kind=OrganisationKind.NEIGHBOURHOOD, name__startswith=district.name.removesuffix("小学校区")
                ).first(),
                MemberRole.NEIGHBOURHOOD,
            ),
        ):
            if organisation is not None:
                members.append(member_add(officer, forum, role=role, organisation=organisation, joined_on=joined_on))
        meetings = []
        for number, held_on in enumerate(_meeting_days(today, rng), start=1):
            watch_report = number == MEETINGS
            meeting = meeting_create(
                officer,
                forum,
                data={
                    "kind": MeetingKind.WATCH_REPORT if watch_report else MeetingKind.REGULAR,
                    "title": (
                        gettext("見守り活動報告会") if watch_report else gettext("第%(n)d回 話し合い") % {"n": number}
                    ),
                    "held_on": held_on,
                    "place": rng.choice(PLACES),
                    "agenda": gettext("1. 前回からの取組の報告\n2. 地域の課題について\n3. その他"),
                },
            )
            attending = [m for m in members if rng.random() < 0.85]
            meeting_update(
                officer,
                meeting,
                data={
                    "minutes": gettext("各団体から取組の進み具合を報告し、課題について意見を交わしました。"),
                    "decisions": gettext("次回までに各団体で担当を決める。"),
                    "attendees": attending,
                    "guests": rng.randint(0, 6),
                    "is_public": rng.random() < 0.5,
                    "public_note": gettext("地区の課題と取組について話し合いました。"),
                },
            )
            meetings.append(meeting)
        for title, description, tags, actions in rng.sample(ISSUES, k=rng.randint(3, 4)):
            issue = issue_create(
                officer, forum, title=title, description=description, tags=list(tags), is_public=forum.is_public
            )
            for meeting in sorted(rng.sample(meetings, k=rng.randint(1, 3)), key=lambda m: m.held_on):
                issue_link_meeting(officer, issue, meeting)
            owners = [m.organisation for m in members if m.role != MemberRole.WARD] or [ward_office]
            for parent_title, children in actions:
                parent = action_create(
                    officer,
                    forum,
                    title=parent_title,
                    owner=rng.choice(owners),
                    issue=issue,
                    due_on=today + datetime.timedelta(days=rng.randint(30, 240)),
                    status=ActionStatus.ACTIVE,
                    progress=0 if children else rng.choice((10, 30, 50)),
                    is_public=forum.is_public,
                )
                for child_title, status, percent in children:
                    child = action_create(
                        officer,
                        forum,
                        title=child_title,
                        owner=rng.choice(owners),
                        parent=parent,
                        due_on=today + datetime.timedelta(days=rng.randint(-60, 180)),
                        status=status,
                        progress=percent,
                        is_public=forum.is_public,
                    )
                    if percent:
                        action_update(
                            officer,
                            child,
                            note=gettext("会議で進み具合を報告しました。"),
                            progress=percent,
                            on=today - datetime.timedelta(days=rng.randint(5, 60)),
                        )
        count += 1
    progress(gettext("話し合いの場：{count}地区").format(count=count))
    return count
