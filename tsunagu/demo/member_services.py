"""The demo's member-to-member service: one scheme like ふたばサービス (fees that changed three months ago), about
twenty members (利用会員, 協力会員 who are registered volunteers, a few 両方会員) and four months of approved
activities with their ledger, one of them reversed and corrected, and a few requests still being arranged.

Called by tsunagu.demo.volunteers.generate_volunteers for the home ward. Deterministic for the seed and the day:
its own random stream, posting numbers drawn from it, every query ordered. Only synthetic data: the 利用会員 are
named 「利用会員01（デモ）」 and name no resident of the register."""

from __future__ import annotations

import datetime
import random
import uuid

from django.utils.translation import gettext

from tsunagu.areas.models import Municipality
from tsunagu.core.wareki import JST
from tsunagu.volunteers.models import (
    ActivityStatus,
    LedgerEntry,
    MemberKind,
    PostingKind,
    RequestStatus,
    ServiceActivity,
    ServiceAssignment,
    ServiceMember,
    ServiceRate,
    ServiceRequest,
    ServiceScheme,
    Volunteer,
    VolunteerStatus,
)
from tsunagu.volunteers.services.member_services import activity_entries, check_balanced, price, rate_on

__all__ = ["clear_member_services", "generate_member_services"]

USERS = 12
HELPERS = 8
BOTH = 3
MONTHS = 4
ACTIVITIES_PER_MONTH = 24
WHAT = ("買い物の代行", "部屋の掃除", "通院の付き添い", "食事の用意", "お話し相手", "子どもの送り迎え", "ごみの分別")
MINUTES = (45, 60, 60, 90, 90, 120, 150)


def clear_member_services() -> None:
    """Everything of member services, the ledger first (it points at the activities, members and schemes). A
    queryset delete: the demo replaces its own synthetic ledger, which the application never does."""
    LedgerEntry.objects.filter(reverses__isnull=False).delete()
    LedgerEntry.objects.all().delete()
    ServiceActivity.objects.all().delete()
    ServiceAssignment.objects.all().delete()
    ServiceRequest.objects.all().delete()
    ServiceRate.objects.all().delete()
    ServiceMember.objects.all().delete()
    ServiceScheme.objects.all().delete()


def _month_start(day: datetime.date, back: int) -> datetime.date:
    first = day.replace(day=1)
    for _ in range(back):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return first


def _post(rng: random.Random, entries: list[LedgerEntry]) -> None:
    check_balanced([(e.unit, e.amount) for e in entries])
    posting = uuid.UUID(int=rng.getrandbits(128), version=4)
    for entry in entries:
        entry.posting = posting


def generate_member_services(*, municipality: Municipality, seed: int, today: datetime.date, progress) -> int:  # noqa: ANN001
    rng = random.Random(f"member-services-{seed}")  # noqa: S311 - reproducible demo data, not secrets
    opened = _month_start(today, 12)
    scheme = ServiceScheme.objects.create(
        municipality=municipality,
        name="ふたばサービス（デモ）",
        operator="大正区社会福祉協議会（デモ）",
        description="家事援助・外出の付き添い・子育ての手伝いを会員同士で行います（合成データ）。",
    )
    changed = _month_start(today, 2)
    ServiceRate.objects.create(
        scheme=scheme, valid_from=opened, fee_per_hour=800, honorarium_per_hour=600, transport_fee=300
    )
    ServiceRate.objects.create(
        scheme=scheme, valid_from=changed, fee_per_hour=900, honorarium_per_hour=700, transport_fee=300
    )
    volunteers = list(
        Volunteer.objects.filter(municipality=municipality, status=VolunteerStatus.APPROVED).order_by("pk")[
            1 : 1 + HELPERS + BOTH
        ]
    )
    members = []
    for i in range(USERS):
        members.append(
            ServiceMember(
                scheme=scheme,
                kind=MemberKind.USER,
                number=f"R-{i + 1:03d}",
                name=f"利用会員{i + 1:02d}（デモ）",
                phone=f"06-0000-{9000 + i:04d}",
                address="（デモのため住所なし）",
                joined_on=opened,
            )
        )
    for i, volunteer in enumerate(volunteers):
        both = i >= HELPERS
        members.append(
            ServiceMember(
                scheme=scheme,
                kind=MemberKind.BOTH if both else MemberKind.HELPER,
                number=f"{'B' if both else 'K'}-{i + 1:03d}",
                name=volunteer.name,
                name_kana=volunteer.name_kana,
                name_key=volunteer.name_key,
                phone=volunteer.phone,
                volunteer=volunteer,
                joined_on=opened,
            )
        )
    ServiceMember.objects.bulk_create(members)
    members = list(scheme.members.order_by("pk"))
    users = [m for m in members if m.uses]
    helpers = [m for m in members if m.helps]
    rates = {r.pk: r for r in scheme.rates.all()}

    requests, activities = [], []
    for back in range(MONTHS, 0, -1):
        first = _month_start(today, back - 1)
        days = ((first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - first).days
        last = min(days, (today - first).days) if back == 1 else days
        for _ in range(ACTIVITIES_PER_MONTH if back > 1 else ACTIVITIES_PER_MONTH // 2):
            if last < 1:
                break
            day = first + datetime.timedelta(days=rng.randint(0, last - 1))
            user = rng.choice(users)
            helper = rng.choice([h for h in helpers if h.pk != user.pk])
            start = datetime.datetime.combine(day, datetime.time(rng.choice((9, 10, 13, 14))), tzinfo=JST)
            requests.append(
                (
                    ServiceRequest(
                        scheme=scheme, member=user, what=rng.choice(WHAT), starts_at=start, status=RequestStatus.DONE
                    ),
                    helper,
                    day,
                    rng.choice(MINUTES),
                    rng.random() < 0.4,
                )
            )
    ServiceRequest.objects.bulk_create([r for r, *_rest in requests])
    assignments = [ServiceAssignment(request=r, helper=helper) for r, helper, *_rest in requests]
    ServiceAssignment.objects.bulk_create(assignments)
    for (_request, _helper, day, minutes, transport), assignment in zip(requests, assignments, strict=True):
        rate = rate_on(scheme, day)
        pricing = price(rate, minutes, transport=transport)
        approved_at = datetime.datetime.combine(day, datetime.time(17), tzinfo=JST)
        activities.append(
            ServiceActivity(
                assignment=assignment,
                activity_on=day,
                minutes=minutes,
                transport=transport,
                status=ActivityStatus.APPROVED,
                rate=rates[rate.pk],
                fee_per_hour=rate.fee_per_hour,
                honorarium_per_hour=rate.honorarium_per_hour,
                transport_fee=rate.transport_fee,
                unit_minutes=rate.unit_minutes,
                billed_minutes=pricing.billed_minutes,
                fee_amount=pricing.fee_amount,
                honorarium_amount=pricing.honorarium_amount,
                transport_amount=pricing.transport_amount,
                approved_at=approved_at,
            )
        )
    ServiceActivity.objects.bulk_create(activities)
    entries: list[LedgerEntry] = []
    for activity in activities:
        posting = activity_entries(activity)
        _post(rng, posting)
        entries += posting
    LedgerEntry.objects.bulk_create(entries)

    # One activity entered with the wrong hours, reversed with its reason; the corrected report is approved.
    wrong = activities[len(activities) // 3]
    reason = "活動時間の入力ちがい（デモ）"
    originals = list(LedgerEntry.objects.filter(activity=wrong).order_by("pk"))
    reversal = [
        LedgerEntry(
            scheme_id=e.scheme_id,
            member_id=e.member_id,
            unit=e.unit,
            component=e.component,
            amount=-e.amount,
            activity=wrong,
            kind=PostingKind.REVERSAL,
            booked_on=wrong.activity_on + datetime.timedelta(days=1),
            reverses=e,
            memo=reason,
        )
        for e in originals
    ]
    _post(rng, reversal)
    LedgerEntry.objects.bulk_create(reversal)
    ServiceActivity.objects.filter(pk=wrong.pk).update(status=ActivityStatus.REVERSED, reverse_reason=reason)
    rate = rate_on(scheme, wrong.activity_on)
    pricing = price(rate, 60, transport=wrong.transport)
    corrected = ServiceActivity.objects.create(
        assignment=wrong.assignment,
        activity_on=wrong.activity_on,
        minutes=60,
        transport=wrong.transport,
        note="時間を訂正しました（デモ）",
        status=ActivityStatus.APPROVED,
        rate=rate,
        fee_per_hour=rate.fee_per_hour,
        honorarium_per_hour=rate.honorarium_per_hour,
        transport_fee=rate.transport_fee,
        unit_minutes=rate.unit_minutes,
        billed_minutes=pricing.billed_minutes,
        fee_amount=pricing.fee_amount,
        honorarium_amount=pricing.honorarium_amount,
        transport_amount=pricing.transport_amount,
        approved_at=wrong.approved_at,
    )
    fixed = activity_entries(corrected)
    for entry in fixed:
        entry.booked_on = wrong.activity_on + datetime.timedelta(days=1)
    _post(rng, fixed)
    LedgerEntry.objects.bulk_create(fixed)

    # Requests of the coming days: two still being arranged, one with its 協力会員 chosen.
    for i, what in enumerate(("買い物の代行", "通院の付き添い", "部屋の掃除")):
        start = datetime.datetime.combine(today + datetime.timedelta(days=i + 2), datetime.time(10), tzinfo=JST)
        upcoming = ServiceRequest.objects.create(
            scheme=scheme,
            member=users[i],
            what=what,
            starts_at=start,
            status=RequestStatus.ASSIGNED if i == 2 else RequestStatus.OPEN,
        )
        if i == 2:
            ServiceAssignment.objects.create(request=upcoming, helper=helpers[0])
    progress(
        gettext("住民参加型サービス：会員{members:,}人、活動{activities:,}件").format(
            members=len(members), activities=len(activities) + 1
        )
    )
    return len(activities) + 1
