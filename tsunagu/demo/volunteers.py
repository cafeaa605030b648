"""The demo's volunteer centre: about 500 synthetic volunteers (residents, students and workers of the ward,
companies, 法人 and schools; a few waiting for the centre's check), the needs of the past year with their matches
and activity hours, and open needs of the coming weeks (some proposed, one accepted) for the volunteer login
`demo_volunteer` (the demo's password); training; the member-to-member service of tsunagu.demo.member_services;
and an open つながり応援補助金 call with applications in every state.

Called by tsunagu.demo.ward.generate_ward for the home ward. Deterministic for the seed and the demo's day: its
own random stream and every query ordered. Only synthetic data: names are drawn from the demo's name tables and
the requesters named here are not residents of the demo's register."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext

from tsunagu.accounts.models import User
from tsunagu.areas.models import District, Municipality
from tsunagu.core.wareki import JST
from tsunagu.demo.member_services import clear_member_services, generate_member_services
from tsunagu.demo.names import family_name_table, given_name_tables
from tsunagu.organisations.models import Membership, OrganisationKind
from tsunagu.volunteers.models import (
    SLOT_CODES,
    ApplicationStatus,
    Attendance,
    Completion,
    CompletionSource,
    Course,
    CourseKind,
    GrantApplication,
    GrantCall,
    GrantPayment,
    GrantReport,
    GrantReportPhoto,
    Language,
    Match,
    MatchStatus,
    Need,
    NeedKind,
    NeedStatus,
    Relation,
    RequesterKind,
    Skill,
    TrainingSession,
    Volunteer,
    VolunteerKind,
    VolunteerStatus,
)
from tsunagu.volunteers.selectors.matching import score_fit
from tsunagu.volunteers.services.training import completion_expiry

__all__ = ["VOLUNTEER_USERNAME", "clear_volunteers", "generate_volunteers"]

VOLUNTEERS = 500
PAST_NEEDS = 600  # a year of needs, about 12 a week
OPEN_NEEDS = 40  # the coming four weeks
VOLUNTEER_USERNAME = "demo_volunteer"  # EXTRA_USER_PREFIX: a replaced ward deletes it with the other demo users
GROUPS = (
    (VolunteerKind.COMPANY, "株式会社 大正ものづくり（デモ）"),
    (VolunteerKind.COMPANY, "大正信用金庫 ボランティア部（デモ）"),
    (VolunteerKind.CORPORATION, "社会福祉法人 つなぐ会（デモ）"),
    (VolunteerKind.SCHOOL, "大正区立中学校 生徒会（デモ）"),
    (VolunteerKind.SCHOOL, "府立大正高校 ボランティア部（デモ）"),
)
TITLES = {
    NeedKind.SHOPPING: "スーパーへの買い物の付き添い",
    NeedKind.RUBBISH: "週2回のごみ出し",
    NeedKind.TIDYING: "部屋の片づけの手伝い",
    NeedKind.TALKING: "お話し相手（1時間ほど）",
    NeedKind.HOSPITAL: "通院の付き添い",
    NeedKind.IBASHO: "ふれあい喫茶の運営",
    NeedKind.EVENT: "地域のおまつりの手伝い",
    NeedKind.CHILDREN: "下校時の見守り",
    NeedKind.DISASTER: "防災訓練の運営の手伝い",
}
# How often each kind is asked for: daily-life help first (seed 003 ⑬⑮).
KIND_WEIGHTS = (
    (NeedKind.SHOPPING, 22),
    (NeedKind.RUBBISH, 16),
    (NeedKind.TIDYING, 10),
    (NeedKind.TALKING, 18),
    (NeedKind.HOSPITAL, 8),
    (NeedKind.IBASHO, 8),
    (NeedKind.EVENT, 8),
    (NeedKind.CHILDREN, 7),
    (NeedKind.DISASTER, 3),
)
SLOTS = sorted(SLOT_CODES)


def clear_volunteers() -> None:
    """Matches, needs and volunteers name districts, towns and persons a replaced ward deletes (PROTECT); training
    completions and member services name volunteers and users (PROTECT) and go first."""
    clear_member_services()
    GrantReportPhoto.objects.all().delete()
    GrantReport.objects.all().delete()
    GrantPayment.objects.all().delete()
    GrantApplication.objects.all().delete()
    GrantCall.objects.all().delete()
    Completion.objects.all().delete()
    Attendance.objects.all().delete()
    TrainingSession.objects.all().delete()
    Course.objects.all().delete()
    Match.objects.all().delete()
    Need.objects.all().delete()
    Volunteer.objects.all().delete()


def _volunteer(rng: random.Random, municipality: Municipality, today: datetime.date, name: str, kana: str) -> Volunteer:
    relation = rng.choices(list(Relation.values), weights=(70, 12, 15, 3))[0]
    interests = rng.sample([k for k, _w in KIND_WEIGHTS], k=rng.randint(1, 3))
    expiry_year = today.year + (1 if today.month >= 4 else 0)
    insured = rng.random() < 0.85
    # Insurance runs to 31 March; a few lapse within the month (the staff list), a few have lapsed.
    expiry = datetime.date(expiry_year, 3, 31) if insured else None
    if insured and rng.random() < 0.05:
        expiry = today + datetime.timedelta(days=rng.randint(-20, 30))
    return Volunteer(
        municipality=municipality,
        kind=VolunteerKind.PERSON,
        name=name,
        name_kana=kana,
        name_key=kana.replace(" ", ""),
        relation=relation,
        affiliation="大正高校（デモ）" if relation == Relation.STUDENT else "",
        phone=f"090-0000-{rng.randint(0, 9999):04d}",
        wishes=rng.choice(("", "できる範囲でお手伝いしたい", "週末だけ参加したい", "料理が得意です", "車を出せます")),
        interests=sorted(interests),
        skills=sorted(rng.sample(list(Skill.values), k=rng.randint(0, 2))),
        languages=sorted({Language.JAPANESE, *([rng.choice(list(Language.values))] if rng.random() < 0.15 else [])}),
        weekly_slots=sorted(rng.sample(SLOTS, k=rng.randint(1, 6))),
        one_off_dates=[],
        insurance_expires_on=expiry,
        consents_to_contact=True,
        status=VolunteerStatus.PENDING if rng.random() < 0.03 else VolunteerStatus.APPROVED,
    )


def generate_volunteers(*, municipality: Municipality, seed: int, today: datetime.date, progress) -> int:  # noqa: ANN001
    from tsunagu.demo.ward import DEMO_PASSWORD  # the demo's one password (ward imports this module)

    rng = random.Random(f"volunteers-{seed}")  # noqa: S311 - reproducible demo data, not secrets
    districts = list(District.objects.filter(municipality=municipality, district_type__code="school").order_by("code"))
    if not districts:
        return 0
    family, given_tables = family_name_table(), given_name_tables()
    volunteers = []
    for _ in range(VOLUNTEERS - len(GROUPS)):
        surname, surname_kana = family.pick(rng)
        _year, male, female = rng.choice(given_tables[-4:])  # born in the last decades: of working or school age
        given, given_kana = (female if rng.random() < 0.6 else male).pick(rng)
        volunteers.append(_volunteer(rng, municipality, today, f"{surname} {given}", f"{surname_kana} {given_kana}"))
    for kind, name in GROUPS:
        group = _volunteer(rng, municipality, today, name, "")
        group.kind, group.relation, group.status = kind, Relation.WORKER, VolunteerStatus.APPROVED
        group.interests = sorted({NeedKind.EVENT, NeedKind.DISASTER, NeedKind.TIDYING})
        volunteers.append(group)
    Volunteer.objects.bulk_create(volunteers)
    volunteers = list(Volunteer.objects.filter(municipality=municipality).order_by("pk"))
    through = Volunteer.districts.through
    links = []
    volunteer_districts: dict[int, set[int]] = {}
    for v in volunteers:
        chosen = [] if rng.random() < 0.2 else rng.sample(districts, k=rng.randint(1, 2))  # 2 in 10: anywhere
        volunteer_districts[v.pk] = {d.pk for d in chosen}
        links += [through(volunteer_id=v.pk, district_id=d.pk) for d in chosen]
    through.objects.bulk_create(links)

    kinds, weights = zip(*KIND_WEIGHTS, strict=True)
    approved = [v for v in volunteers if v.status == VolunteerStatus.APPROVED]
    needs = []
    for i in range(PAST_NEEDS + OPEN_NEEDS):
        kind = rng.choices(kinds, weights=weights)[0]
        past = i < PAST_NEEDS
        day = (
            today - datetime.timedelta(days=rng.randint(1, 365))
            if past
            else today + datetime.timedelta(days=rng.randint(1, 28))
        )
        start = datetime.datetime.combine(day, datetime.time(rng.choice((9, 10, 13, 14, 15, 18))), tzinfo=JST)
        needs.append(
            Need(
                municipality=municipality,
                kind=kind,
                title=TITLES[kind],
                district=rng.choice(districts),
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=rng.choice((1, 2, 3))),
                volunteers_needed=3 if kind in (NeedKind.EVENT, NeedKind.DISASTER, NeedKind.IBASHO) else 1,
                status=NeedStatus.CLOSED if past else NeedStatus.OPEN,
                requester_kind=rng.choices(list(RequesterKind.values), weights=(70, 15, 10, 5))[0],
                requester_name=f"依頼者{i + 1:04d}（デモ）",
                requester_phone=f"06-0000-{i:04d}",
                requester_address="（デモのため住所なし）",
            )
        )
    Need.objects.bulk_create(needs)
    needs = list(Need.objects.filter(municipality=municipality).select_related("district").order_by("pk"))
    matches = []
    for need in needs[:PAST_NEEDS]:
        # The coordinator asked the best fitting of a handful of volunteers the centre thought of that day.
        pool = rng.sample(approved, k=min(12, len(approved)))
        ranked = sorted(
            ((v, *score_fit(v, need, volunteer_districts[v.pk])) for v in pool), key=lambda t: (-t[1], t[0].pk)
        )
        for v, score, reasons in ranked[: need.volunteers_needed]:
            hours = Decimal(rng.choice(("1.0", "1.5", "2.0", "2.5", "3.0")))
            done = rng.random() < 0.9
            matches.append(
                Match(
                    need=need,
                    volunteer=v,
                    status=MatchStatus.COMPLETED if done else MatchStatus.DECLINED,
                    score=score,
                    reasons=reasons,
                    hours=hours if done else None,
                    activity_on=need.starts_at.astimezone(JST).date() if done else None,
                )
            )
    # The demo volunteer login: a registered volunteer with two proposals waiting and one accepted need ahead.
    login = volunteers[0]
    user, _created = User.objects.get_or_create(
        username=VOLUNTEER_USERNAME,
        defaults={"display_name": gettext("ボランティア（デモ）"), "password": make_password(DEMO_PASSWORD)},
    )
    login.status, login.user = VolunteerStatus.APPROVED, user
    login.interests = sorted({*login.interests, NeedKind.SHOPPING})
    login.save(update_fields=["status", "user", "interests"])
    upcoming = needs[PAST_NEEDS:]
    for need, status in zip(
        upcoming[:3], (MatchStatus.ACCEPTED, MatchStatus.PROPOSED, MatchStatus.PROPOSED), strict=True
    ):
        score, reasons = score_fit(login, need, volunteer_districts[login.pk])
        matches.append(Match(need=need, volunteer=login, status=status, score=score, reasons=reasons))
    Match.objects.bulk_create(matches)
    completions = _generate_training(random.Random(f"training-{seed}"), municipality, today, approved)  # noqa: S311
    generate_member_services(municipality=municipality, seed=seed, today=today, progress=progress)
    funded = _generate_grants(random.Random(f"grants-{seed}"), municipality, today, districts)  # noqa: S311
    progress(
        gettext("ボランティア：{volunteers:,}人、地域ニーズ：{needs:,}件、活動：{done:,}件").format(
            volunteers=len(volunteers), needs=len(needs), done=sum(m.status == MatchStatus.COMPLETED for m in matches)
        )
    )
    progress(
        gettext("研修：{courses}件、修了：{completions:,}件").format(courses=len(COURSES), completions=completions)
    )
    progress(
        gettext("つながり応援補助金：申請{applications}件、交付決定{funded}件").format(
            applications=len(GRANT_GROUPS), funded=funded
        )
    )
    return len(volunteers)


# (group, activity, requested yen, outcome): outcome is the demo's state of the application.
GRANT_GROUPS = (
    ("泉尾ふれあいの会（デモ）", "ふれあい喫茶", 80000, "paid_reported"),
    ("北恩加島子ども食堂（デモ）", "子ども食堂", 100000, "paid_reported"),
    ("鶴町いきいき体操クラブ（デモ）", "いきいき百歳体操", 50000, "paid"),
    ("南恩加島見守り隊（デモ）", "声かけ散歩", 40000, "approved"),
    ("三軒家おしゃべりサロン（デモ）", "おしゃべりサロン", 60000, "rejected"),
    ("小林ママの会（デモ）", "子育て広場", 70000, "under_review"),
    ("平尾将棋クラブ（デモ）", "多世代将棋教室", 30000, "under_review"),
    ("千島手芸の会（デモ）", "手しごとカフェ", 45000, "submitted"),
    ("大正防災ひろば（デモ）", "まちの防災ワークショップ", 90000, "submitted"),
    ("船町たすけあいの会（デモ）", "ごみ出しお手伝い", 35000, "submitted"),
)


def _generate_grants(
    rng: random.Random, municipality: Municipality, today: datetime.date, districts: list[District]
) -> int:
    """One open call of this fiscal year with ten applications in every state: approved ones (paid, some
    reported), one rejected, some under review and new ones. Written directly, within the services' rules (the
    approved sum within the budget, payments within the approved amount). No photos: the demo stores no files."""
    fiscal_year = today.year if today.month >= 4 else today.year - 1
    call = GrantCall.objects.create(
        municipality=municipality,
        name=gettext("{year}年度 つながり応援補助金（デモ）").format(year=fiscal_year),
        fiscal_year=fiscal_year,
        criteria=gettext(
            "区内で活動する5人以上の団体が行う、人と人とのつながりをつくる活動（居場所・サロン・見守り・子どもの"
            "活動・防災など）。営利・政治・宗教を目的とする活動は対象外です。"
        ),
        budget=1_000_000,
        max_per_application=100_000,
        opens_on=today - datetime.timedelta(days=60),
        closes_on=today + datetime.timedelta(days=30),
    )
    funded = 0
    for i, (group, activity, requested, outcome) in enumerate(GRANT_GROUPS):
        approved = outcome in ("paid_reported", "paid", "approved")
        application = GrantApplication.objects.create(
            call=call,
            group_name=group,
            contact_name=gettext("担当者{n:02d}（デモ）").format(n=i + 1),
            email=f"grant{i + 1:02d}@example.jp",
            activity_title=activity,
            description=gettext("デモの申請です。月に2回ほど、地域の方が集まって{activity}をひらきます。").format(
                activity=activity
            ),
            requested_amount=requested,
            budget_breakdown=gettext("会場費・材料費・保険・チラシ印刷（デモ）"),
            publish_amount=i % 2 == 0,
            status={
                "paid_reported": ApplicationStatus.APPROVED,
                "paid": ApplicationStatus.APPROVED,
                "approved": ApplicationStatus.APPROVED,
                "rejected": ApplicationStatus.REJECTED,
                "under_review": ApplicationStatus.UNDER_REVIEW,
                "submitted": ApplicationStatus.SUBMITTED,
            }[outcome],
            # Approved at the requested amount rounded down to ten thousand yen, as committees often do.
            approved_amount=(requested - requested % 10_000 if requested > 50_000 else requested) if approved else None,
        )
        application.districts.set(rng.sample(districts, k=min(len(districts), rng.randint(1, 2))))
        decided_at = datetime.datetime.combine(today - datetime.timedelta(days=30), datetime.time(10), tzinfo=JST)
        if outcome == "rejected":
            application.decision_reason = gettext("活動の内容が募集の対象（つながりづくり）に当たらないため（デモ）")
            application.decided_at = decided_at
            application.save(update_fields=["decision_reason", "decided_at"])
        if application.status == ApplicationStatus.APPROVED:
            funded += 1
            application.decided_at = decided_at
            application.save(update_fields=["decided_at"])
            if outcome in ("paid", "paid_reported"):
                GrantPayment.objects.create(
                    application=application,
                    amount=application.approved_amount,
                    paid_on=today - datetime.timedelta(days=20),
                    note=gettext("概算払（デモ）"),
                )
            if outcome == "paid_reported":
                GrantReport.objects.create(
                    application=application,
                    summary=gettext(
                        "{activity}を6回ひらきました。初めての方も多く、続けてほしいという声がありました（デモ）。"
                    ).format(activity=activity),
                    participants=rng.randint(40, 120),
                    spent_amount=application.approved_amount - rng.randint(0, 5) * 1000,
                )
    return funded


# (kind, name, sessions required, valid years, sessions held in the past year, place)
COURSES = (
    (CourseKind.GREETING, "声掛け研修（見守りの基礎）", 1, 3, 4, "大正区役所 会議室"),
    (CourseKind.WATCH_HELPER, "見守り協力員研修", 2, None, 4, "大正区社会福祉協議会 研修室"),
    (CourseKind.CITIZEN_GUARDIAN, "区民後見人養成講座", 5, None, 5, "大正区民ホール"),
    (CourseKind.COORDINATOR, "ボランティアコーディネーター研修", 2, 2, 2, "大正区社会福祉協議会 研修室"),
)


def _generate_training(
    rng: random.Random, municipality: Municipality, today: datetime.date, approved: list[Volunteer]
) -> int:
    """Courses with their sessions of the past year, the volunteers who attended, the completions that follow
    (as services.training derives them: every required session attended), and 声掛け研修 taken by half of the
    ward's 民生委員 (so the watch's pages show who has not). Its own random stream: the rest stays the same."""
    completions = []
    for kind, name, required, years, held, place in COURSES:
        course = Course.objects.create(
            municipality=municipality,
            kind=kind,
            name=name,
            description=gettext("デモの研修です。"),
            sessions_required=required,
            valid_years=years,
        )
        days = sorted(today - datetime.timedelta(days=rng.randint(7, 350)) for _ in range(held))
        sessions = [
            TrainingSession.objects.create(
                course=course,
                starts_at=datetime.datetime.combine(day, datetime.time(14), tzinfo=JST),
                place=place,
                capacity=30,
            )
            for day in days
        ]
        attendees = rng.sample(approved, k=min(len(approved), 25 if kind != CourseKind.CITIZEN_GUARDIAN else 8))
        attendances = []
        for volunteer in attendees:
            came = [s for s in sessions if rng.random() < 0.85]
            attendances += [
                Attendance(session=s, volunteer=volunteer, attended=s in came, recorded_at=s.starts_at)
                for s in sessions
            ]
            if len(came) >= required:
                done_on = came[required - 1].starts_at.astimezone(JST).date()
                completions.append(
                    Completion(
                        course=course,
                        volunteer=volunteer,
                        completed_on=done_on,
                        expires_on=completion_expiry(course, done_on),
                        source=CompletionSource.ATTENDANCE,
                    )
                )
        Attendance.objects.bulk_create(attendances)
        if kind == CourseKind.GREETING:
            commissioners = (
                Membership.objects.filter(
                    organisation__municipality=municipality, organisation__kind=OrganisationKind.MINSEI
                )
                .order_by("user_id")
                .values_list("user_id", flat=True)
                .distinct()
            )
            for i, user_id in enumerate(commissioners):
                if i % 2:
                    continue  # every other one has not taken it yet
                done_on = today - datetime.timedelta(days=rng.randint(30, 700))
                completions.append(
                    Completion(
                        course=course,
                        user_id=user_id,
                        completed_on=done_on,
                        expires_on=completion_expiry(course, done_on),
                        source=CompletionSource.RECORDED,
                        note=gettext("区の研修で受講（デモ）"),
                    )
                )
    Completion.objects.bulk_create(completions)
    return len(completions)
