"""The demo's volunteer centre: about 500 volunteers, a year of needs with activity hours, open needs ahead and a
volunteer login with proposals to answer; the same seed gives the same data."""

import datetime

import pytest

from tsunagu.demo.volunteers import VOLUNTEER_USERNAME
from tsunagu.demo.ward import MIN_SIZE, generate_ward
from tsunagu.volunteers.models import (
    ActivityStatus,
    ApplicationStatus,
    Completion,
    CourseKind,
    GrantApplication,
    GrantCall,
    GrantReport,
    LedgerEntry,
    Match,
    MatchStatus,
    MemberKind,
    Need,
    NeedKind,
    NeedStatus,
    PostingKind,
    ServiceActivity,
    ServiceMember,
    Volunteer,
    VolunteerStatus,
)
from tsunagu.volunteers.selectors import call_budget, funded_activities, unbalanced_postings

pytestmark = pytest.mark.django_db

REFERENCE_DAY = datetime.date(2026, 6, 1)


def _snapshot() -> list[tuple]:
    matches = list(
        Match.objects.order_by("need__starts_at", "volunteer__name").values_list(
            "need__title", "volunteer__name", "hours"
        )
    ) + list(
        Completion.objects.order_by("course__name", "completed_on", "volunteer__name", "user__username").values_list(
            "course__name", "volunteer__name", "user__username", "completed_on", "expires_on"
        )
    )
    ledger = list(
        LedgerEntry.objects.order_by("booked_on", "posting", "member__number", "component").values_list(
            "booked_on", "posting", "member__number", "unit", "component", "amount"
        )
    )
    return matches + ledger


def test_demo_volunteers_needs_and_a_year_of_activities():
    generate_ward(size=MIN_SIZE, today=REFERENCE_DAY)
    assert Volunteer.objects.count() == 500
    assert Volunteer.objects.filter(status=VolunteerStatus.PENDING).exists()
    assert set(Need.objects.values_list("kind", flat=True)) == set(NeedKind.values)
    done = Match.objects.filter(status=MatchStatus.COMPLETED)
    days = {m.activity_on for m in done}
    assert min(days) >= REFERENCE_DAY - datetime.timedelta(days=365) and max(days) < REFERENCE_DAY
    assert all(m.hours for m in done)
    assert Need.objects.filter(status=NeedStatus.OPEN, starts_at__date__gt=REFERENCE_DAY).exists()
    mine = Match.objects.filter(volunteer__user__username=VOLUNTEER_USERNAME)
    assert {MatchStatus.ACCEPTED, MatchStatus.PROPOSED} <= set(mine.values_list("status", flat=True))
    # Member services: members of every kind, months of approved activities, balanced postings, a reversal, and
    # activities on both sides of the fee change keeping the fee they were priced with.
    assert set(ServiceMember.objects.values_list("kind", flat=True)) == set(MemberKind.values)
    assert ServiceActivity.objects.filter(status=ActivityStatus.APPROVED).count() > 50
    assert ServiceActivity.objects.filter(status=ActivityStatus.REVERSED).count() == 1
    assert LedgerEntry.objects.filter(kind=PostingKind.REVERSAL).exists()
    assert unbalanced_postings() == []
    assert set(ServiceActivity.objects.values_list("fee_per_hour", flat=True)) == {800, 900}


def test_demo_grants_one_open_call_with_applications_in_every_state():
    generate_ward(size=MIN_SIZE, today=REFERENCE_DAY)
    call = GrantCall.objects.get()
    assert call.is_open_on(REFERENCE_DAY)
    applications = GrantApplication.objects.filter(call=call)
    assert applications.count() == 10
    assert set(applications.values_list("status", flat=True)) == set(ApplicationStatus.values)
    budget = call_budget(call)
    assert 0 < budget.paid <= budget.approved <= call.budget
    assert GrantReport.objects.count() == 2
    assert {a.group_name for a in funded_activities()} == set(
        applications.filter(status=ApplicationStatus.APPROVED).values_list("group_name", flat=True)
    )


def test_the_same_seed_gives_the_same_volunteer_centre():
    generate_ward(size=MIN_SIZE, today=REFERENCE_DAY, seed=3)
    first = _snapshot()
    generate_ward(size=MIN_SIZE, today=REFERENCE_DAY, seed=3, replace=True)
    assert _snapshot() == first


def test_demo_training_courses_sessions_and_completions():
    generate_ward(size=MIN_SIZE, today=REFERENCE_DAY)
    completions = Completion.objects.select_related("course")
    kinds = set(completions.values_list("course__kind", flat=True))
    assert {CourseKind.GREETING, CourseKind.WATCH_HELPER, CourseKind.CITIZEN_GUARDIAN} <= kinds
    assert all(c.completed_on < REFERENCE_DAY for c in completions)
    # Some 民生委員 took 声掛け研修 (as users), and the watch's pages have others to point out.
    assert completions.filter(user__isnull=False, course__kind=CourseKind.GREETING).exists()
