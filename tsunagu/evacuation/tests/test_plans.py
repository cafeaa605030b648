"""Services and selectors of individual evacuation plans: save/update with supporters, the rules, who may
edit, the derived 要更新 status and the completion rates."""

import datetime

import pytest
from django.http import Http404

from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.evacuation.models import EvacuationPlan, PlanStatus, PlanSupporter, Priority
from tsunagu.evacuation.selectors import PlanFilters, effective_status, plan_detail, plan_progress, plan_queryset
from tsunagu.evacuation.services import (
    CANDIDATE_NOT_FOUND_MESSAGE,
    EDIT_REFUSED_MESSAGE,
    REVIEW_DATE_REQUIRED_MESSAGE,
    SHELTER_NOT_FOUND_MESSAGE,
    SUPPORTER_NAME_REQUIRED_MESSAGE,
    SUPPORTER_REQUIRED_MESSAGE,
    PlanEditRefusedError,
    PlanValidationError,
    evacuation_plan_save,
)
from tsunagu.shelters.models import Shelter

TODAY = datetime.date(2026, 6, 1)
NEXT_YEAR = datetime.date(2027, 6, 1)
SUZUKI = {"name": "鈴木　一郎", "relation": "近所の方", "address": "泉尾一丁目1-2", "phone": "06-1111-2222"}
SATO = {"name": "佐藤　花子", "relation": "長女", "address": "大阪市西区1-1", "phone": "090-0000-1111"}


@pytest.fixture
def shelter(db):
    return Shelter.objects.create(code="S1", name="泉尾小学校", is_welfare_shelter=False)


def done_data(shelter, **extra):
    return {
        "status": PlanStatus.DONE,
        "priority": Priority.HIGH,
        "shelter_id": shelter.pk,
        "next_review_on": NEXT_YEAR,
        **extra,
    }


def plan_entries(person):
    entries = AuditEntry.objects.filter(target_type="person", action__in=[AuditAction.CREATE, AuditAction.UPDATE])
    return [e for e in entries.order_by("seq") if e.target_ids == [person.pk]]


class TestSave:
    def test_create_with_supporters_is_audited_with_the_fields(self, ward, shelter):
        person = ward.people.a1_agreed
        plan = evacuation_plan_save(
            person=person,
            data=done_data(shelter, needs_mobility="車いす"),
            supporters=[SUZUKI, SATO],
            user=ward.ward_officer,
            today=TODAY,
        )
        assert plan.status == PlanStatus.DONE and plan.shelter == shelter and plan.needs_mobility == "車いす"
        assert plan.updated_by == ward.ward_officer
        assert sorted(plan.supporters.values_list("name", flat=True)) == ["佐藤　花子", "鈴木　一郎"]
        [entry] = plan_entries(person)
        assert entry.action == AuditAction.CREATE
        assert entry.actor_username == "ward_officer"
        assert "status" in entry.detail["plan"] and "supporters" in entry.detail["plan"]
        assert entry.detail["plan_id"] == plan.pk

    def test_update_replaces_supporters_as_a_set_and_names_only_changed_fields(self, ward, shelter):
        person = ward.people.a1_agreed
        evacuation_plan_save(
            person=person, data=done_data(shelter), supporters=[SUZUKI, SATO], user=ward.ward_officer, today=TODAY
        )
        plan = evacuation_plan_save(
            person=person,
            data={"route_notes": "大通りを北へ"},
            supporters=[SATO],
            user=ward.shakyo_coordinator,
            today=TODAY,
        )
        assert list(plan.supporters.values_list("name", flat=True)) == ["佐藤　花子"]
        assert PlanSupporter.objects.count() == 1
        assert plan.status == PlanStatus.DONE  # untouched fields keep their values
        create, update = plan_entries(person)
        assert (create.action, update.action) == (AuditAction.CREATE, AuditAction.UPDATE)
        assert update.detail["plan"] == ["route_notes", "supporters"]
        assert update.actor_username == "shakyo_coordinator"

    def test_saving_the_same_plan_again_writes_nothing(self, ward, shelter):
        person = ward.people.a1_agreed
        evacuation_plan_save(
            person=person, data=done_data(shelter), supporters=[SUZUKI], user=ward.ward_officer, today=TODAY
        )
        evacuation_plan_save(
            person=person, data=done_data(shelter), supporters=[SUZUKI], user=ward.ward_officer, today=TODAY
        )
        assert len(plan_entries(person)) == 1

    def test_empty_supporter_rows_are_dropped(self, ward):
        plan = evacuation_plan_save(
            person=ward.people.b1_agreed,
            data={"status": PlanStatus.IN_PROGRESS},
            supporters=[SUZUKI, {"name": " ", "relation": "", "address": "", "phone": ""}],
            user=ward.care_plaza_worker,
            today=TODAY,
        )
        assert plan.supporters.count() == 1

    @pytest.mark.parametrize(
        ("data", "supporters", "messages"),
        [
            ({"status": PlanStatus.DONE, "next_review_on": TODAY}, [SUZUKI], [REVIEW_DATE_REQUIRED_MESSAGE]),
            ({"status": PlanStatus.DONE}, [SUZUKI], [REVIEW_DATE_REQUIRED_MESSAGE]),
            ({"status": PlanStatus.DONE, "next_review_on": NEXT_YEAR}, [], [SUPPORTER_REQUIRED_MESSAGE]),
            ({"status": PlanStatus.DONE}, [], [REVIEW_DATE_REQUIRED_MESSAGE, SUPPORTER_REQUIRED_MESSAGE]),
            ({"status": PlanStatus.IN_PROGRESS, "shelter_id": 999999}, [], [SHELTER_NOT_FOUND_MESSAGE]),
            ({"status": PlanStatus.IN_PROGRESS}, [{"name": "", "phone": "06-1"}], [SUPPORTER_NAME_REQUIRED_MESSAGE]),
            ({"status": PlanStatus.IN_PROGRESS}, [{**SUZUKI, "candidate_id": 999999}], [CANDIDATE_NOT_FOUND_MESSAGE]),
        ],
    )
    def test_rules_refuse_with_exact_messages_and_save_nothing(self, ward, data, supporters, messages):
        with pytest.raises(PlanValidationError) as error:
            evacuation_plan_save(
                person=ward.people.a1_agreed, data=data, supporters=supporters, user=ward.ward_officer, today=TODAY
            )
        assert error.value.messages == messages
        assert not EvacuationPlan.objects.exists()
        assert not AuditEntry.objects.filter(action=AuditAction.CREATE).exists()

    def test_in_progress_needs_neither_supporter_nor_review_date(self, ward):
        plan = evacuation_plan_save(
            person=ward.people.a1_agreed,
            data={"status": PlanStatus.IN_PROGRESS},
            supporters=[],
            user=ward.ward_officer,
            today=TODAY,
        )
        assert plan.status == PlanStatus.IN_PROGRESS

    @pytest.mark.parametrize("persona", ["association_member", "commissioner", "outsider", "ward_clerk"])
    def test_community_users_and_outsiders_may_not_edit(self, ward, persona):
        with pytest.raises(PlanEditRefusedError) as error:
            evacuation_plan_save(
                person=ward.people.b1_agreed,
                data={"status": PlanStatus.IN_PROGRESS},
                supporters=[],
                user=getattr(ward, persona),
                today=TODAY,
            )
        assert str(error.value) == str(EDIT_REFUSED_MESSAGE)
        assert not EvacuationPlan.objects.exists()

    def test_professionals_edit_only_within_their_districts(self, ward):
        # The 社協 serves district A: a person of district B is out of its scope.
        with pytest.raises(PlanEditRefusedError):
            evacuation_plan_save(
                person=ward.people.b1_agreed,
                data={"status": PlanStatus.IN_PROGRESS},
                supporters=[],
                user=ward.shakyo_coordinator,
                today=TODAY,
            )
        evacuation_plan_save(
            person=ward.people.a2_agreed,
            data={"status": PlanStatus.IN_PROGRESS},
            supporters=[],
            user=ward.shakyo_coordinator,
            today=TODAY,
        )
        assert EvacuationPlan.objects.filter(person=ward.people.a2_agreed).exists()


class TestDetail:
    def test_community_user_sees_the_plan_of_a_visible_person_but_cannot_edit(self, ward, shelter):
        evacuation_plan_save(
            person=ward.people.a1_agreed,
            data=done_data(shelter),
            supporters=[SUZUKI],
            user=ward.ward_officer,
            today=TODAY,
        )
        detail = plan_detail(user=ward.association_member, person_id=ward.people.a1_agreed.pk)
        assert detail.plan is not None and [s.name for s in detail.supporters] == ["鈴木　一郎"]
        assert detail.can_edit is False
        entry = AuditEntry.objects.filter(action=AuditAction.VIEW).first()
        assert entry.target_ids == [ward.people.a1_agreed.pk] and entry.actor_username == "association_member"

    def test_out_of_scope_person_is_404_and_denied(self, ward):
        # a1_refused refused consent: the association (consent required) does not see them.
        with pytest.raises(Http404):
            plan_detail(user=ward.association_member, person_id=ward.people.a1_refused.pk)
        denied = AuditEntry.objects.get(action=AuditAction.DENIED)
        assert denied.detail == {"requested_id": str(ward.people.a1_refused.pk)}
        assert not AuditEntry.objects.filter(action=AuditAction.VIEW).exists()

    def test_plan_past_its_review_day_shows_as_needing_update(self, ward, shelter):
        plan = evacuation_plan_save(
            person=ward.people.a1_agreed,
            data=done_data(shelter),
            supporters=[SUZUKI],
            user=ward.ward_officer,
            today=TODAY,
        )
        assert effective_status(plan, NEXT_YEAR) == PlanStatus.DONE  # on the review day itself: still valid
        assert effective_status(plan, NEXT_YEAR + datetime.timedelta(days=1)) == PlanStatus.NEEDS_UPDATE
        assert effective_status(None, TODAY) == PlanStatus.NOT_STARTED
        later = NEXT_YEAR + datetime.timedelta(days=1)
        statuses = dict(
            plan_queryset(user=ward.ward_officer, filters=PlanFilters(), today=later).values_list("pk", "plan_status")
        )
        assert statuses[ward.people.a1_agreed.pk] == PlanStatus.NEEDS_UPDATE
        assert statuses[ward.people.a2_agreed.pk] == PlanStatus.NOT_STARTED
        # The stored status stays as staff set it: 要更新 is derived, never written twice.
        plan.refresh_from_db()
        assert plan.status == PlanStatus.DONE


def make_plans(ward, shelter):
    """District A (4 listed): a1_agreed 作成済・高, a2_agreed 作成中・高, a1_refused 作成済・低 (review passed),
    a2_unanswered none. District B (3 listed): b1_agreed 作成済・中, the rest none."""
    p = ward.people
    evacuation_plan_save(
        person=p.a1_agreed, data=done_data(shelter), supporters=[SUZUKI], user=ward.ward_officer, today=TODAY
    )
    evacuation_plan_save(
        person=p.a2_agreed,
        data={"status": PlanStatus.IN_PROGRESS, "priority": Priority.HIGH},
        supporters=[],
        user=ward.ward_officer,
        today=TODAY,
    )
    evacuation_plan_save(
        person=p.a1_refused,
        data=done_data(shelter, priority=Priority.LOW, next_review_on=TODAY + datetime.timedelta(1)),
        supporters=[SATO],
        user=ward.ward_officer,
        today=TODAY,
    )
    evacuation_plan_save(
        person=p.b1_agreed,
        data=done_data(shelter, priority=Priority.MEDIUM),
        supporters=[SATO],
        user=ward.ward_officer,
        today=TODAY,
    )


class TestProgress:
    def test_rates_by_district_and_priority_are_exact(self, ward, shelter):
        make_plans(ward, shelter)
        later = TODAY + datetime.timedelta(days=2)  # a1_refused's review day has passed: 要更新
        progress = plan_progress(user=ward.ward_officer, today=later)
        by_district = {
            r.label: (r.listed, r.done, r.in_progress, r.needs_update, r.not_started) for r in progress.by_district
        }
        assert by_district == {"泉尾小学校区": (4, 1, 1, 1, 1), "北恩加島小学校区": (3, 1, 0, 0, 2)}
        rates = {r.label: r.rate for r in progress.by_district}
        assert rates == {"泉尾小学校区": 0.25, "北恩加島小学校区": 1 / 3}
        by_priority = {r.label: (r.listed, r.done) for r in progress.by_priority}
        assert by_priority == {"高": (2, 1), "中": (1, 1), "低": (1, 0), "未設定（計画なし）": (3, 0)}
        assert (progress.total.listed, progress.total.done) == (7, 2)
        assert [r.label for r in progress.by_district] == ["泉尾小学校区", "北恩加島小学校区"]

    def test_rates_cover_only_the_latest_build_and_the_users_scope(self, ward, shelter):
        from tsunagu.testing.personas import list_on_roster

        make_plans(ward, shelter)
        list_on_roster([ward.people.a1_agreed, ward.people.b1_unanswered], number=2)
        progress = plan_progress(user=ward.ward_officer, today=TODAY)
        assert {r.label: (r.listed, r.done) for r in progress.by_district} == {
            "泉尾小学校区": (1, 1),
            "北恩加島小学校区": (1, 0),
        }
        coordinator = plan_progress(user=ward.shakyo_coordinator, today=TODAY)
        assert {r.label: (r.listed, r.done) for r in coordinator.by_district} == {"泉尾小学校区": (1, 1)}

    def test_community_users_get_no_counts(self, ward, shelter):
        make_plans(ward, shelter)
        progress = plan_progress(user=ward.association_member, today=TODAY)
        assert progress.by_district == [] and progress.total.listed == 0

    def test_query_count_does_not_grow_with_persons(self, ward, shelter, django_assert_max_num_queries):
        from tsunagu.roster.models import RosterEntry
        from tsunagu.roster.services import entry_of
        from tsunagu.testing.factories import PersonFactory

        make_plans(ward, shelter)
        with django_assert_max_num_queries(12) as small:
            plan_progress(user=ward.ward_officer, today=TODAY)
        extra = [PersonFactory(town=ward.towns.b1) for _ in range(15)]
        RosterEntry.objects.bulk_create(
            entry_of(ward.roster, p) for p in extra
        )
        with django_assert_max_num_queries(len(small.captured_queries)):
            progress = plan_progress(user=ward.ward_officer, today=TODAY)
        assert progress.total.listed == 22
