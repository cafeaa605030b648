"""The 民生委員's monthly activity record: what the visit log fills in, saving and its messages, submitting and
reopening, whose record is whose, and the 民児協's totals per 小学校区."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied

from tsunagu.audit.models import AuditAction, AuditEntry, AuditTarget
from tsunagu.core.wareki import JST, today_jst
from tsunagu.organisations.models import Membership, MembershipRole
from tsunagu.roster.models import RosterEntryReason, RosterRule, RuleKind
from tsunagu.testing.factories import DistrictFactory, DistrictTypeFactory, MembershipFactory, UserFactory
from tsunagu.watch.activity import (
    CODES,
    CONCERN_CONTENT,
    LABELS,
    empty_counts,
    parse_month,
    prefill,
    previous_month,
)
from tsunagu.watch.models import ActivityRecord, Escalation, WatchAssignment
from tsunagu.watch.selectors import activity_record, activity_totals, my_activity_months
from tsunagu.watch.services import ActivityError, activity_record_reopen, activity_record_save, visit_record

from .conftest import watch_consent

THIS_MONTH = today_jst().replace(day=1)
MONTH = previous_month(THIS_MONTH)


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=JST)


def born(age: int) -> datetime.date:
    # 1 January: the person is exactly `age` on every day of MONTH.
    return datetime.date(MONTH.year - age, 1, 1)


def visit(user, person, when, method, outcome, concerns=(), *, raised_at=None):
    result = visit_record(
        user=user, person_id=person.pk, method=method, outcome=outcome, observed_at=when, concerns=concerns
    )
    if raised_at is not None:
        # As if the visit had been entered on the day (visit_record raises the escalation "now").
        Escalation.objects.filter(visit=result.visit).update(raised_at=raised_at)
    return result.visit


@pytest.fixture
def month_of_visits(ward, watched):
    """The commissioner's visits of MONTH (and around it): see each line's comment for what it counts."""
    people = ward.people
    people.b1_agreed.birth_date = born(70)
    people.b1_agreed.physical_disability_grade = 1  # shown to the commissioner only through the roster reason
    people.b1_agreed.save()
    rule = RosterRule.objects.create(label="身体障害者手帳1・2級", kind=RuleKind.PHYSICAL_GRADE, threshold="2")
    RosterEntryReason.objects.create(build=ward.roster, person=people.b1_agreed, rule=rule, label=rule.label)
    watched.spouse.birth_date = born(72)
    watched.spouse.save()
    people.b1_unanswered.birth_date = born(12)
    people.b1_unanswered.save()
    # 40 with 難病, which the commissioner does not see (no roster reason: refused the roster).
    people.b1_refused.birth_date = born(40)
    people.b1_refused.intractable_disease = True
    people.b1_refused.save()
    watch_consent(people.b1_refused)
    WatchAssignment.objects.create(
        person=people.b1_refused,
        organisation=ward.orgs.minsei,
        watcher=ward.commissioner,
        started_on=datetime.date(2024, 1, 1),
    )
    c = ward.commissioner
    first_day = MONTH
    visit(  # visit; 障害者 (roster reason); 日常的な支援 once (meals, isolation), 健康・保健医療; liaison
        c, people.b1_agreed, at(MONTH.replace(day=3)), "visit", "concern", ["meals", "isolation", "health"],
        raised_at=at(MONTH.replace(day=3), 11),
    )  # fmt: skip
    visit(  # a phone call, not a visit; 高齢者; 健康・保健医療 once (medication, health); liaison
        c, watched.spouse, at(MONTH.replace(day=3), 15), "phone", "urgent", ["medication", "health"],
        raised_at=at(MONTH.replace(day=3), 15),
    )  # fmt: skip
    visit(c, people.b1_unanswered, at(MONTH.replace(day=10)), "absent", "fine")  # 不在: still a visit
    visit(  # a greeting; その他 (難病 not seen); 生活費, その他; liaison
        c, people.b1_refused, at(MONTH.replace(day=20)), "greeting", "concern", ["money", "other"],
        raised_at=at(MONTH.replace(day=21)),
    )  # fmt: skip
    # 00:00 in Japan on the 1st (15:00 UTC the day before): in MONTH. 子ども; 家族関係; its escalation is raised
    # now (this month), so it is this month's liaison.
    visit(c, people.b1_unanswered, at(first_day, 0, 0), "visit", "concern", ["abuse"])
    # 23:59 in Japan on the last day of the month before: not in MONTH.
    visit(c, people.b1_agreed, at(MONTH - datetime.timedelta(days=1), 23, 59), "visit", "urgent", ["money"])
    # Someone else's visit in MONTH: not the commissioner's record.
    visit(ward.ward_officer, people.b1_refused, at(MONTH.replace(day=5)), "visit", "concern", ["health"])
    return SimpleNamespace(people=people)


EXPECTED = {
    "visits": 3,  # the 1st (visit), 3rd (visit), 10th (absent); not the phone call nor the greeting
    "days": 4,  # the 1st, 3rd, 10th, 20th
    "liaison": 3,  # raised on the 3rd (twice) and the 21st
    "field_elderly": 1,
    "field_disabled": 1,
    "field_children": 1,
    "field_other": 1,
    "content_daily_support": 1,
    "content_health": 2,
    "content_living_costs": 1,
    "content_other": 1,
    "content_family": 1,
}


def test_the_prefill_counts_the_commissioners_month_from_the_visit_log(ward, month_of_visits):
    assert prefill(ward.commissioner, MONTH) == {**empty_counts(), **EXPECTED}


def test_an_escalation_counts_in_the_month_it_was_raised(ward, month_of_visits):
    this_month = prefill(ward.commissioner, THIS_MONTH)
    # The visits of the 1st of MONTH and of the month before, entered (and raised) now.
    assert this_month["liaison"] == 2
    assert this_month["visits"] == this_month["days"] == 0


def test_disability_counts_only_where_the_user_sees_it(ward, month_of_visits):
    # The ward's welfare section sees b1_refused in full: 難病 → 障害者. The commissioner above counted その他.
    officer = prefill(ward.ward_officer, MONTH)
    assert officer["field_disabled"] == 1
    assert officer["field_other"] == 0
    assert officer["content_health"] == 1


def test_without_the_roster_reason_a_handbook_is_not_read_for_the_commissioner(ward, month_of_visits):
    RosterEntryReason.objects.filter(person=ward.people.b1_agreed).delete()
    counts = prefill(ward.commissioner, MONTH)
    assert counts["field_disabled"] == 0
    assert counts["field_elderly"] == 2  # b1_agreed (70) joins the spouse


def test_every_concern_maps_to_a_content_of_the_catalogue():
    from tsunagu.watch.models import ConcernTag

    assert set(CONCERN_CONTENT) == set(ConcernTag.values)
    assert set(CONCERN_CONTENT.values()) <= set(CODES)
    assert len(CODES) == len(set(CODES)) == 4 + 14 + 6 + 3


def test_the_record_of_an_unsaved_month_is_the_prefill(ward, month_of_visits):
    page = activity_record(ward.commissioner, MONTH)
    assert not page.saved
    assert page.counts == page.from_log == prefill(ward.commissioner, MONTH)
    assert page.district == ward.districts.b
    assert page.organisation_name == ward.orgs.minsei.name


def test_saving_creates_then_updates_the_record_with_its_audit_rows(ward, month_of_visits):
    counts = {**EXPECTED, "activity_council": "2", "activity_survey": 1}
    record = activity_record_save(ward.commissioner, MONTH, counts, "  研修に参加  ", submit=False)
    assert record.counts == {**empty_counts(), **EXPECTED, "activity_council": 2, "activity_survey": 1}
    assert record.note == "研修に参加"
    assert record.district == ward.districts.b
    assert record.submitted_at is None
    activity_record_save(ward.commissioner, MONTH, {**counts, "visits": 5}, "", submit=True)
    record.refresh_from_db()
    assert record.counts["visits"] == 5
    assert record.submitted_at is not None
    entries = list(AuditEntry.objects.filter(target_type=AuditTarget.ACTIVITY_RECORD).order_by("seq"))
    assert [e.action for e in entries] == [AuditAction.CREATE, AuditAction.UPDATE]
    assert entries[1].detail["changed"] == ["visits"]
    assert entries[1].detail["submitted"] is True
    assert ActivityRecord.objects.count() == 1
    # The saved numbers, not the log's, are what the page shows from now on.
    assert activity_record(ward.commissioner, MONTH).counts["visits"] == 5


def test_a_bad_number_is_named_in_japanese_and_nothing_is_saved(ward):
    with pytest.raises(ActivityError) as caught:
        activity_record_save(
            ward.commissioner,
            MONTH,
            {"visits": "-1", "liaison": "abc", "field_other": 10000, "days": "40", "bogus": 1, "content_work": 2.5},
            submit=False,
        )
    errors = caught.value.field_errors
    assert errors["visits"] == "訪問回数は0以上9999以下の整数で入力してください。"
    assert errors["liaison"] == "連絡調整回数は0以上9999以下の整数で入力してください。"
    assert errors["field_other"] == "その他は0以上9999以下の整数で入力してください。"
    assert errors["content_work"] == "仕事は0以上9999以下の整数で入力してください。"
    assert errors["bogus"] == "「bogus」は活動記録の項目にありません。"
    days = (THIS_MONTH - datetime.timedelta(days=1)).day
    assert errors["days"] == f"活動日数は、その月の日数（{days}日）以内で入力してください。"
    assert len(caught.value.messages) == 6
    assert not ActivityRecord.objects.exists()


def test_blank_numbers_are_zero_and_the_upper_bound_is_accepted(ward):
    record = activity_record_save(ward.commissioner, MONTH, {"visits": "", "field_other": "9999"}, submit=False)
    assert record.counts["visits"] == 0
    assert record.counts["field_other"] == 9999
    assert set(record.counts) == set(LABELS)


def test_a_month_not_yet_begun_is_refused(ward):
    next_month = (THIS_MONTH + datetime.timedelta(days=32)).replace(day=1)
    with pytest.raises(ActivityError):
        activity_record_save(ward.commissioner, next_month, {}, submit=False)


@pytest.mark.parametrize("persona", ["ward_officer", "association_member", "outsider", "shakyo_coordinator"])
def test_only_a_commissioner_keeps_a_record(ward, persona):
    user = getattr(ward, persona)
    with pytest.raises(PermissionDenied):
        activity_record_save(user, MONTH, {"visits": 1}, submit=False)
    with pytest.raises(PermissionDenied):
        activity_record(user, MONTH)
    with pytest.raises(PermissionDenied):
        my_activity_months(user)
    assert not ActivityRecord.objects.exists()


def test_a_manager_of_the_minsei_is_no_commissioner(ward):
    manager = UserFactory(username="minsei_manager")
    MembershipFactory(user=manager, organisation=ward.orgs.minsei, role=MembershipRole.MANAGER)
    with pytest.raises(PermissionDenied):
        activity_record_save(manager, MONTH, {"visits": 1}, submit=False)


def test_another_commissioner_reads_and_writes_only_their_own_record(ward, month_of_visits):
    activity_record_save(ward.commissioner, MONTH, {"visits": 7}, "私の記録", submit=True)
    colleague = UserFactory(username="colleague")
    MembershipFactory(user=colleague, organisation=ward.orgs.minsei, role=MembershipRole.COMMISSIONER)
    page = activity_record(colleague, MONTH)
    assert page.record is None
    assert page.counts == empty_counts()  # no visits of theirs; nothing of the first commissioner's
    activity_record_save(colleague, MONTH, {"visits": 1}, submit=False)
    mine = ActivityRecord.objects.get(commissioner=ward.commissioner, month=MONTH)
    assert mine.counts["visits"] == 7
    assert mine.note == "私の記録"
    assert mine.submitted_at is not None
    assert [r.month for r in my_activity_months(colleague) if r.record] == [MONTH]


def test_a_submitted_record_is_reopened_before_it_changes(ward):
    activity_record_save(ward.commissioner, MONTH, {"visits": 3}, submit=True)
    with pytest.raises(ActivityError) as caught:
        activity_record_save(ward.commissioner, MONTH, {"visits": 4}, submit=True)
    assert "提出済み" in caught.value.messages[0]
    activity_record_reopen(ward.commissioner, MONTH)
    record = ActivityRecord.objects.get()
    assert record.submitted_at is None
    assert record.counts["visits"] == 3
    reopened = AuditEntry.objects.filter(target_type=AuditTarget.ACTIVITY_RECORD).order_by("-seq").first()
    assert reopened.action == AuditAction.UPDATE
    assert reopened.detail["reopened"] is True
    activity_record_save(ward.commissioner, MONTH, {"visits": 4}, submit=True)
    assert ActivityRecord.objects.get().counts["visits"] == 4
    with pytest.raises(ActivityError):
        activity_record_reopen(ward.commissioner, THIS_MONTH)  # nothing submitted for this month


def test_the_district_is_the_school_district_of_a_commissioners_area(ward):
    area_type = DistrictTypeFactory(code="minsei", name="民生委員担当区域")
    area = DistrictFactory(district_type=area_type, code="M1", name="北恩加島第1区")
    ward.towns.b1.town_districts.create(district=area, district_type=area_type)
    membership = Membership.objects.get(user=ward.commissioner)
    membership.districts.set([area])
    assert activity_record_save(ward.commissioner, MONTH, {}, submit=False).district == ward.districts.b
    membership.districts.clear()
    assert activity_record_save(ward.commissioner, THIS_MONTH, {}, submit=False).district is None


def test_my_months_offer_this_month_and_last_month(ward):
    activity_record_save(ward.commissioner, datetime.date(MONTH.year - 1, MONTH.month, 1), {}, submit=True)
    rows = my_activity_months(ward.commissioner)
    assert [r.month for r in rows] == [THIS_MONTH, MONTH, datetime.date(MONTH.year - 1, MONTH.month, 1)]
    assert [r.submitted for r in rows] == [False, False, True]


@pytest.mark.parametrize(
    "text", ["2025-13", "2025-00", "25-01", "2025-1", "2025/01", "abc", "", "1999-12", "２０２５-０１"]
)
def test_a_malformed_month_is_none(text):
    assert parse_month(text) is None


def test_a_month_is_read_up_to_this_month():
    assert parse_month(f"{MONTH:%Y-%m}") == MONTH
    assert parse_month(f"{THIS_MONTH:%Y-%m}") == THIS_MONTH
    assert parse_month(f"{(THIS_MONTH + datetime.timedelta(days=32)):%Y-%m}") is None


# ---------------------------------------------------------------------------------------------------------
# Totals


def commissioner_of(ward, username, district):
    user = UserFactory(username=username)
    membership = MembershipFactory(user=user, organisation=ward.orgs.minsei, role=MembershipRole.COMMISSIONER)
    membership.districts.set([district])
    return user


@pytest.fixture
def submitted(ward):
    b2 = commissioner_of(ward, "commissioner_b2", ward.districts.b)
    a1 = commissioner_of(ward, "commissioner_a1", ward.districts.a)
    draft = commissioner_of(ward, "commissioner_draft", ward.districts.a)
    activity_record_save(ward.commissioner, MONTH, {"visits": 5, "field_elderly": 2, "days": 4}, submit=True)
    activity_record_save(b2, MONTH, {"visits": 3, "field_elderly": 1, "activity_events": 2}, submit=True)
    activity_record_save(a1, MONTH, {"visits": 10, "content_family": 1}, submit=True)
    activity_record_save(draft, MONTH, {"visits": 100}, submit=False)  # a draft is not counted
    activity_record_save(a1, THIS_MONTH, {"visits": 1000}, submit=True)  # another month
    return SimpleNamespace(b2=b2, a1=a1, draft=draft)


def column(totals, district):
    return next(c for c in totals.columns if c.district == district)


@pytest.mark.parametrize("persona", ["ward_officer", "shakyo_coordinator", "care_plaza_worker"])
def test_the_totals_sum_submitted_records_per_district(ward, submitted, persona):
    totals = activity_totals(getattr(ward, persona), MONTH)
    assert [c.district for c in totals.columns] == [ward.districts.a, ward.districts.b]
    b = column(totals, ward.districts.b)
    a = column(totals, ward.districts.a)
    assert (b.records, b.counts["visits"], b.counts["field_elderly"], b.counts["activity_events"]) == (2, 8, 3, 2)
    assert (a.records, a.counts["visits"], a.counts["content_family"]) == (1, 10, 1)
    assert totals.total.records == 3
    assert totals.total.counts["visits"] == 18
    assert totals.total.counts["days"] == 4
    assert totals.drafts == 1
    visits_row = next(r for block in totals.groups for r in block.rows if r.label == "訪問回数")
    assert visits_row.values == [10, 8, 18]
    fields_total = next(r for r in totals.groups[0].rows if r.is_total)
    assert fields_total.values == [0, 3, 3]


def test_a_reopened_record_leaves_the_totals_until_submitted_again(ward, submitted):
    activity_record_reopen(submitted.a1, MONTH)
    assert column(activity_totals(ward.ward_officer, MONTH), ward.districts.a).records == 0


def test_the_minsei_manager_totals_their_own_council_only(ward, submitted):
    manager = UserFactory(username="minsei_manager")
    MembershipFactory(user=manager, organisation=ward.orgs.minsei, role=MembershipRole.MANAGER)
    assert activity_totals(manager, MONTH).total.counts["visits"] == 18
    from tsunagu.organisations.models import OrganisationKind
    from tsunagu.testing.factories import OrganisationFactory

    other_council = OrganisationFactory(name="泉尾地区民児協", kind=OrganisationKind.MINSEI)
    other_manager = UserFactory(username="other_manager")
    MembershipFactory(user=other_manager, organisation=other_council, role=MembershipRole.MANAGER)
    assert activity_totals(other_manager, MONTH).total.records == 0


@pytest.mark.parametrize("persona", ["commissioner", "association_member", "outsider", "ward_clerk"])
def test_the_totals_are_refused_to_others(ward, submitted, persona):
    with pytest.raises(PermissionDenied):
        activity_totals(getattr(ward, persona), MONTH)
