"""Roster reads: the difference between builds, why a person is (not) listed, and who sees which entries."""

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.people.models import CareLevel, ConsentStatus, ResidentStatus
from tsunagu.roster.models import RosterEntry, RosterEntryReason, RosterRule, RuleKind, SelfRequest
from tsunagu.roster.rules import BAD_THRESHOLD_MESSAGE
from tsunagu.roster.selectors import (
    REASONS_FIELD,
    RosterFilters,
    person_roster_explanation,
    roster_build_diff,
    roster_list,
    rule_threshold_display,
)
from tsunagu.roster.services import roster_build
from tsunagu.testing.factories import ConsentFactory, PersonFactory, UserFactory
from tsunagu.testing.personas import list_on_roster

DAY = datetime.date(2026, 4, 1)


def add_reason(build, person, rule, label=None):
    RosterEntryReason.objects.create(build=build, person=person, rule=rule, label=label or rule.label)


@pytest.fixture
def care_rule(db):
    return RosterRule.objects.create(label="要介護3以上", kind=RuleKind.CARE_LEVEL, threshold="care_3", sort_order=1)


@pytest.fixture
def alone_rule(db):
    return RosterRule.objects.create(
        label="75歳以上のひとり暮らし", kind=RuleKind.AGE_LIVING_ALONE, threshold="75", sort_order=2
    )


class TestBuildDiff:
    def test_added_removed_and_changed_with_field_names_and_reasons(self, ward, care_rule, alone_rule):
        p = ward.people
        first = ward.roster
        for person in vars(p).values():
            add_reason(first, person, care_rule)
        # Between the builds: one moves within the ward and gets a new phone, one's care level goes up, one
        # now also qualifies as living alone; a1_refused drops off, a newcomer comes on.
        p.a1_agreed.town, p.a1_agreed.address, p.a1_agreed.phone = ward.towns.a2, "9-9", "06-1111-2222"
        p.a2_agreed.care_level = CareLevel.CARE_4
        newcomer = PersonFactory(town=ward.towns.b1, family_name="新井")
        kept = [x for x in vars(p).values() if x != p.a1_refused]
        second = list_on_roster([*kept, newcomer], number=2)
        for person in [*kept, newcomer]:
            add_reason(second, person, care_rule)
        add_reason(second, p.b1_agreed, alone_rule)

        with CaptureQueriesContext(connection) as queries:
            diff = roster_build_diff(second)

        assert len(queries.captured_queries) <= 5
        assert diff.previous == first
        assert [d.entry.person_id for d in diff.added] == [newcomer.pk]
        assert [d.entry.person_id for d in diff.removed] == [p.a1_refused.pk]
        assert diff.removed[0].reasons == ["要介護3以上"]
        changed = {c.new.person_id: c for c in diff.changed}
        assert set(changed) == {p.a1_agreed.pk, p.a2_agreed.pk, p.b1_agreed.pk}
        assert changed[p.a1_agreed.pk].fields == ["town_id", "address", "phone"]
        town = changed[p.a1_agreed.pk].changes[0]
        assert (town.label, town.old, town.new, town.is_legal_item) == ("町丁目", "泉尾一丁目", "泉尾二丁目", True)
        care = changed[p.a2_agreed.pk].changes
        assert [(c.field, c.old, c.new, c.is_legal_item) for c in care] == [("care_level", "なし", "要介護4", False)]
        [reasons] = changed[p.b1_agreed.pk].changes
        assert (reasons.field, reasons.old, reasons.new) == (
            REASONS_FIELD,
            "要介護3以上",
            "要介護3以上、75歳以上のひとり暮らし",
        )
        assert sorted(diff.person_ids) == sorted([newcomer.pk, p.a1_refused.pk, *changed])

    def test_first_build_lists_everyone_as_added(self, ward):
        diff = roster_build_diff(ward.roster)

        assert diff.previous is None
        assert len(diff.added) == 7
        assert not diff.removed and not diff.changed

    def test_query_count_does_not_grow_with_entries(self, ward, care_rule):
        second = list_on_roster(list(vars(ward.people).values()), number=2)
        with CaptureQueriesContext(connection) as few:
            roster_build_diff(second)
        many = [PersonFactory(town=ward.towns.a1) for _ in range(30)]
        third = list_on_roster(many, number=3)
        for person in many:
            add_reason(third, person, care_rule)
        with CaptureQueriesContext(connection) as lots:
            diff = roster_build_diff(third)

        assert len(diff.added) == 30 and len(diff.removed) == 7
        assert len(lots.captured_queries) == len(few.captured_queries)


class TestExplanation:
    def test_listed_person_meets_a_rule_and_shows_recorded_reasons(self, ward, care_rule, alone_rule):
        person = PersonFactory(
            town=ward.towns.a1, lives_alone=True, birth_date=datetime.date(1944, 1, 10), care_level=CareLevel.CARE_2
        )
        ConsentFactory(person=person, status=ConsentStatus.AGREED)
        build = roster_build(day=DAY)

        x = person_roster_explanation(user=ward.ward_officer, person_id=person.pk, day=DAY)

        assert x.build == build and x.in_build
        assert x.build_reasons == ["75歳以上のひとり暮らし"]
        care, alone = x.verdicts
        assert (care.description, care.meets) == ("要介護度：要介護2（基準：要介護3以上）", False)
        assert (alone.description, alone.meets) == ("年齢 82歳・ひとり暮らし（基準：75歳以上のひとり暮らし）", True)
        assert x.would_be_listed
        assert x.consent.status == ConsentStatus.AGREED
        [view] = AuditEntry.objects.filter(action=AuditAction.VIEW)
        assert (view.target_type, view.target_ids, view.actor_username) == ("person", [person.pk], "ward_officer")

    def test_unlisted_person_meets_no_rule(self, ward, care_rule, alone_rule):
        person = PersonFactory(town=ward.towns.a1, lives_alone=False, birth_date=datetime.date(1944, 1, 10))
        roster_build(day=DAY)

        x = person_roster_explanation(user=ward.ward_officer, person_id=person.pk, day=DAY)

        assert not x.in_build and x.build_reasons == []
        assert [v.meets for v in x.verdicts] == [False, False]
        assert x.verdicts[0].description == "要介護度：なし（基準：要介護3以上）"
        assert x.verdicts[1].description == "年齢 82歳・同居者あり（基準：75歳以上のひとり暮らし）"
        assert not x.would_be_listed
        assert x.consent is None

    def test_self_request_and_inactive_rules(self, ward, care_rule):
        request_rule = RosterRule.objects.create(label="本人の申出", kind=RuleKind.SELF_REQUEST, sort_order=3)
        RosterRule.objects.create(label="難病", kind=RuleKind.INTRACTABLE_DISEASE, is_active=False)
        person = PersonFactory(town=ward.towns.a1)
        SelfRequest.objects.create(person=person, requested_on=datetime.date(2026, 1, 10))

        x = person_roster_explanation(user=ward.ward_officer, person_id=person.pk, day=DAY)

        assert [v.rule for v in x.verdicts] == [care_rule, request_rule]
        assert x.verdicts[1].meets is True
        assert x.verdicts[1].description == "本人の申出：あり（令和8年1月10日）（基準：申出があり取り下げていない）"

    def test_a_rule_with_an_unreadable_threshold_is_reported_not_raised(self, ward):
        bad = RosterRule.objects.create(label="要介護", kind=RuleKind.CARE_LEVEL, threshold="三")

        x = person_roster_explanation(user=ward.ward_officer, person_id=ward.people.a1_agreed.pk, day=DAY)

        [verdict] = x.verdicts
        assert verdict.rule == bad and verdict.meets is None
        assert verdict.error == str(BAD_THRESHOLD_MESSAGE).format(label="要介護", threshold="三")

    def test_a_moved_out_person_is_explained_as_not_listable(self, ward, care_rule):
        person = PersonFactory(town=ward.towns.a1, care_level=CareLevel.CARE_5, status=ResidentStatus.MOVED_OUT)

        x = person_roster_explanation(user=ward.ward_officer, person_id=person.pk, day=DAY)

        assert x.verdicts[0].meets is True  # the rule alone would list them …
        assert not x.would_be_listed  # … but the build lists residents only

    def test_out_of_scope_person_is_404_and_denied(self, ward):
        with pytest.raises(Http404):
            person_roster_explanation(user=ward.association_member, person_id=ward.people.b1_agreed.pk)

        [denied] = AuditEntry.objects.filter(action=AuditAction.DENIED)
        assert denied.detail == {"requested_id": str(ward.people.b1_agreed.pk)}
        assert not AuditEntry.objects.filter(action=AuditAction.VIEW).exists()


def listed_ids(page):
    return {row.entry.person_id for row in page.rows}


class TestRosterListVisibility:
    def test_ward_officer_sees_everyone_listed_with_reasons_and_support(self, ward, care_rule):
        for person in vars(ward.people).values():
            add_reason(ward.roster, person, care_rule)

        page = roster_list(user=ward.ward_officer)

        assert listed_ids(page) == {p.pk for p in vars(ward.people).values()}
        assert all(row.reasons == ["要介護3以上"] and row.full for row in page.rows)
        [entry] = AuditEntry.objects.filter(action=AuditAction.LIST)
        assert (entry.target_type, set(entry.target_ids)) == ("person", listed_ids(page))

    def test_ordered_by_town_code_then_address(self, ward):
        page = roster_list(user=ward.ward_officer)

        keys = [(row.entry.town.code, row.entry.address) for row in page.rows]
        assert keys == sorted(keys)
        assert keys[0][0] == ward.towns.a1.code and keys[-1][0] == ward.towns.b1.code

    def test_association_sees_only_consenting_persons_of_its_districts_without_support(self, ward):
        page = roster_list(user=ward.association_member)

        assert listed_ids(page) == {ward.people.a1_agreed.pk, ward.people.a2_agreed.pk}
        assert not any(row.full for row in page.rows)

    def test_association_sees_none_the_day_after_its_agreement_ends(self, ward):
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        ward.agreements.association.valid_from = yesterday - datetime.timedelta(days=365)
        ward.agreements.association.valid_to = yesterday
        ward.agreements.association.save()

        page = roster_list(user=ward.association_member)

        assert page.rows == [] and page.total == 0
        [entry] = AuditEntry.objects.filter(action=AuditAction.LIST)
        assert entry.target_ids == []

    def test_only_the_latest_build_counts(self, ward):
        list_on_roster([ward.people.a1_agreed], number=2)

        assert listed_ids(roster_list(user=ward.ward_officer)) == {ward.people.a1_agreed.pk}
        assert listed_ids(roster_list(user=ward.association_member)) == {ward.people.a1_agreed.pk}

    @pytest.mark.parametrize("persona", ["ward_clerk", "unagreed_member", "outsider"])
    def test_others_see_nobody(self, ward, persona):
        assert roster_list(user=getattr(ward, persona)).rows == []

    def test_commissioner_and_care_plaza_see_their_districts(self, ward):
        b1 = {ward.people.b1_agreed.pk, ward.people.b1_unanswered.pk}
        assert listed_ids(roster_list(user=ward.commissioner)) == b1  # opt-out: refusals excluded
        care_plaza = roster_list(user=ward.care_plaza_worker)
        assert listed_ids(care_plaza) == b1 | {ward.people.b1_refused.pk}
        assert all(row.full for row in care_plaza.rows)

    def test_filters_by_district_and_town(self, ward):
        by_district = roster_list(user=ward.ward_officer, filters=RosterFilters(district_id=ward.districts.b.pk))
        by_town = roster_list(user=ward.ward_officer, filters=RosterFilters(town_id=ward.towns.a2.pk))

        assert listed_ids(by_district) == {
            ward.people.b1_agreed.pk,
            ward.people.b1_unanswered.pk,
            ward.people.b1_refused.pk,
        }
        assert listed_ids(by_town) == {ward.people.a2_agreed.pk, ward.people.a2_unanswered.pk}

    def test_pages(self, ward):
        first = roster_list(user=ward.ward_officer, page_size=5)
        second = roster_list(user=ward.ward_officer, page=2, page_size=5)

        assert (first.total, first.pages, len(first.rows), len(second.rows)) == (7, 2, 5, 2)
        assert not listed_ids(first) & listed_ids(second)

    def test_no_build_yet(self, db):
        assert RosterEntry.objects.count() == 0
        page = roster_list(user=UserFactory())
        assert page.build is None and page.rows == []


class TestGradeRange:
    """A range of one grade is that grade: 「1級」, never 「1〜1級」; wider ranges keep 「1〜2級」."""

    @pytest.mark.parametrize(
        ("kind", "threshold", "shown"),
        [
            (RuleKind.PHYSICAL_GRADE, "1", "1級"),
            (RuleKind.PHYSICAL_GRADE, "2", "1〜2級"),
            (RuleKind.MENTAL_GRADE, "1", "1級"),
            (RuleKind.MENTAL_GRADE, "3", "1〜3級"),
            (RuleKind.CARE_LEVEL, "care_3", "要介護3以上"),
            (RuleKind.AGE_LIVING_ALONE, "75", "75歳以上"),
        ],
    )
    def test_threshold_display(self, kind, threshold, shown):
        assert rule_threshold_display(RosterRule(label="x", kind=kind, threshold=threshold)) == shown

    def test_the_explanation_says_1級_too(self, ward):
        RosterRule.objects.create(label="身体障害者手帳1級", kind=RuleKind.PHYSICAL_GRADE, threshold="1")
        RosterRule.objects.create(label="精神障害者保健福祉手帳1・2級", kind=RuleKind.MENTAL_GRADE, threshold="2")

        x = person_roster_explanation(user=ward.ward_officer, person_id=ward.people.a1_agreed.pk, day=DAY)

        assert [v.description for v in x.verdicts] == [
            "身体障害者手帳：なし（基準：1級）",
            "精神障害者保健福祉手帳：なし（基準：1〜2級）",
        ]
