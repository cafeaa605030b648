"""Support plans and the stages of a case: every legal move walked, every illegal one refused with a message,
versions on 再プラン, the supervisor's approval of plan and closing, and the raiser told when support ends."""

import datetime

import pytest
from django.utils import timezone

from tsunagu.access.policy import CapabilityDenied
from tsunagu.cases.models import (
    CaseClosure,
    ClosureKind,
    GoalTerm,
    NoticeKind,
    PlanStatus,
    RaiserNotice,
    Stage,
    StageChange,
)
from tsunagu.cases.services import (
    STAGE_TRANSITIONS,
    CaseError,
    action_add,
    case_close,
    case_closure_decide,
    current_plan,
    goal_add,
    monitoring_record,
    open_case_from_escalation,
    plan_approve,
    plan_update,
    stage_move,
)
from tsunagu.cases.tests.conftest import intake
from tsunagu.organisations.models import MembershipRole
from tsunagu.testing.factories import MembershipFactory, UserFactory

S = Stage


@pytest.fixture
def supervisor(ward):
    user = UserFactory(username="care_plaza_head")
    MembershipFactory(user=user, organisation=ward.orgs.care_plaza, role=MembershipRole.MANAGER)
    return user


def fill_plan(ward, case):
    goal_add(ward.care_plaza_worker, case, term=GoalTerm.LONG, text="家賃を滞納せずに暮らし続ける")
    goal_add(ward.care_plaza_worker, case, term=GoalTerm.SHORT, text="家計表をつける")
    action_add(ward.care_plaza_worker, case, what="家計改善支援", person="担当職員", frequency="月2回")
    plan_update(
        ward.care_plaza_worker,
        case,
        data={"issues": "家賃の滞納", "client_agreed_on": timezone.localdate(), "review_on": timezone.localdate()},
    )


# The moves that reach each stage from 相談受付, with what each needs done on the way.
PATH = [S.ASSESSMENT, S.PLANNING, S.CONFERENCE, S.SUPPORT, S.MONITORING, S.EVALUATION, S.REPLAN, S.CONFERENCE]


def walk(case, ward, supervisor, to_index: int):
    for target in PATH[:to_index]:
        if target == S.CONFERENCE and case.stage == S.PLANNING:
            fill_plan(ward, case)
        if target == S.SUPPORT:
            plan_approve(supervisor, case)
        if target == S.EVALUATION:
            monitoring_record(ward.care_plaza_worker, case, held_on=timezone.localdate(), findings="順調")
        case = stage_move(ward.care_plaza_worker, case, target)
    return case


def test_the_whole_way_with_a_replan_keeps_the_old_version(ward, agencies, case, supervisor):
    case = walk(case, ward, supervisor, len(PATH))
    assert case.stage == S.CONFERENCE
    plans = list(case.plans.order_by("version"))
    assert [(p.version, p.status) for p in plans] == [(1, PlanStatus.SUPERSEDED), (2, PlanStatus.DRAFT)]
    assert [g.text for g in plans[1].goals.all()] == [g.text for g in plans[0].goals.all()]
    assert plans[0].monitoring.count() == 1  # kept with the old version
    moves = list(StageChange.objects.filter(case=case).values_list("from_stage", "to_stage"))
    assert moves == list(zip([S.INTAKE, *PATH[:-1]], PATH, strict=True))


def _stage_reached(case, ward, supervisor, stage):
    index = {S.INTAKE: 0, S.ASSESSMENT: 1, S.PLANNING: 2, S.CONFERENCE: 3, S.SUPPORT: 4, S.MONITORING: 5}
    index |= {S.EVALUATION: 6, S.REPLAN: 7}
    return walk(case, ward, supervisor, index[stage])


ILLEGAL = [(a, b) for a in STAGE_TRANSITIONS for b in Stage if b != S.CLOSED and b not in STAGE_TRANSITIONS[a]]


@pytest.mark.parametrize(("source", "target"), [p for p in ILLEGAL if p[0] != S.CLOSED])
def test_every_illegal_move_is_refused_in_japanese_and_nothing_changes(
    source, target, ward, agencies, case, supervisor
):
    case = _stage_reached(case, ward, supervisor, source)
    with pytest.raises(CaseError) as refused:
        stage_move(ward.care_plaza_worker, case, target)
    labels = dict(Stage.choices)
    assert refused.value.messages == [f"「{labels[source]}」から「{labels[target]}」には進めません。"]
    case.refresh_from_db()
    assert case.stage == source


# Sorted: the parametrisation must be the same in every test process (a frozenset's order is not).
LEGAL = [(a, b) for a in STAGE_TRANSITIONS for b in sorted(STAGE_TRANSITIONS[a])]


@pytest.mark.parametrize(("source", "target"), LEGAL)
def test_every_legal_move_is_taken_and_recorded(source, target, ward, agencies, case, supervisor):
    case = _stage_reached(case, ward, supervisor, source)
    if source == S.PLANNING:
        fill_plan(ward, case)
    if source == S.CONFERENCE and target == S.SUPPORT:
        plan_approve(supervisor, case)
    if target == S.EVALUATION:
        monitoring_record(ward.care_plaza_worker, case, held_on=timezone.localdate(), findings="順調")
    case = stage_move(ward.care_plaza_worker, case, target, note="検討の結果")
    assert case.stage == target
    assert StageChange.objects.filter(case=case).last().to_stage == target


def test_the_guards_say_what_is_missing(ward, agencies, case, supervisor):
    case = walk(case, ward, supervisor, 2)  # プラン策定: an empty plan
    with pytest.raises(CaseError, match="目標と支援内容を1つ以上"):
        stage_move(ward.care_plaza_worker, case, S.CONFERENCE)
    fill_plan(ward, case)
    case = stage_move(ward.care_plaza_worker, case, S.CONFERENCE)
    with pytest.raises(CaseError, match="代表者（管理者）の承認が必要"):
        stage_move(ward.care_plaza_worker, case, S.SUPPORT)
    plan_approve(supervisor, case)
    with pytest.raises(CaseError, match="承認済み・終了した支援計画は変更できません"):
        goal_add(ward.care_plaza_worker, case, term=GoalTerm.SHORT, text="追加")
    case = stage_move(ward.care_plaza_worker, case, S.SUPPORT)
    case = stage_move(ward.care_plaza_worker, case, S.MONITORING)
    with pytest.raises(CaseError, match="モニタリングを1回以上"):
        stage_move(ward.care_plaza_worker, case, S.EVALUATION)


def test_only_a_supervisor_of_the_plans_agency_who_did_not_write_it_approves(ward, agencies, case, supervisor):
    case = walk(case, ward, supervisor, 3)
    with pytest.raises(CapabilityDenied):
        plan_approve(ward.care_plaza_worker, case)
    author_head = UserFactory(username="author_head")
    MembershipFactory(user=author_head, organisation=ward.orgs.care_plaza, role=MembershipRole.MANAGER)
    plan = current_plan(case)
    plan.created_by = author_head
    plan.save()
    with pytest.raises(CaseError, match="自分が作成・申請したもの"):
        plan_approve(author_head, case)
    other_head = UserFactory(username="other_head")
    MembershipFactory(user=other_head, organisation=agencies.self_reliance, role=MembershipRole.MANAGER)
    with pytest.raises(CaseError, match="計画を作成した機関の代表者"):
        plan_approve(other_head, case)
    assert plan_approve(supervisor, case).status == PlanStatus.APPROVED


def test_where_the_ward_does_not_require_approval_support_starts_without_it(ward, agencies, case, settings):
    settings.TSUNAGU_CASE_APPROVAL_REQUIRED = False
    case = walk(case, ward, None, 3)
    assert stage_move(ward.care_plaza_worker, case, S.SUPPORT).stage == S.SUPPORT


def test_closing_waits_for_the_supervisor_and_then_tells_the_raiser(ward, agencies, escalation, supervisor):
    case = open_case_from_escalation(escalation, ward.care_plaza_worker, data=intake(organisation=None))
    with pytest.raises(CaseError, match="「その他」のときは理由の詳細"):
        case_close(ward.care_plaza_worker, case, kind=ClosureKind.OTHER)
    case_close(ward.care_plaza_worker, case, kind=ClosureKind.PASSED_ON, note="地域の家計相談へ")
    case.refresh_from_db()
    assert case.stage == S.INTAKE and case.closed_at is None
    with pytest.raises(CaseError, match="承認を待っています"):
        case_close(ward.care_plaza_worker, case, kind=ClosureKind.MOVED)
    with pytest.raises(CaseError, match="差し戻す理由"):
        case_closure_decide(supervisor, case, approve=False)
    case_closure_decide(supervisor, case, approve=False, return_reason="まず本人に確認を")
    assert not RaiserNotice.objects.exists()
    case_close(ward.care_plaza_worker, case, kind=ClosureKind.PASSED_ON, note="地域の家計相談へ")
    case_closure_decide(supervisor, case, approve=True)
    case.refresh_from_db()
    assert case.stage == S.CLOSED and case.closing_reason == "他機関・他制度へつないで終了：地域の家計相談へ"
    notice = RaiserNotice.objects.get()
    assert notice.recipient == ward.commissioner and notice.kind == NoticeKind.SUPPORT_ENDED
    assert [c.approved for c in CaseClosure.objects.order_by("pk")] == [False, True]
    with pytest.raises(CaseError, match="終結したケースの段階は変えられません"):
        stage_move(ward.care_plaza_worker, case, S.ASSESSMENT)


def test_closing_at_once_where_approval_is_not_required(ward, agencies, case, settings):
    settings.TSUNAGU_CASE_APPROVAL_REQUIRED = False
    case_close(ward.care_plaza_worker, case, kind=ClosureKind.INFORMATION_ONLY)
    case.refresh_from_db()
    assert case.stage == S.CLOSED and case.closed_at is not None


def test_an_agency_off_the_team_cannot_touch_the_plan(ward, agencies, case):
    with pytest.raises(CaseError, match="支援チームの機関の職員だけ"):
        stage_move(agencies.disability_worker, case, S.ASSESSMENT)


def test_monitoring_sets_the_next_review_and_refuses_bad_dates(ward, agencies, case, supervisor):
    case = walk(case, ward, supervisor, 2)
    today = timezone.localdate()
    with pytest.raises(CaseError) as refused:
        monitoring_record(
            ward.care_plaza_worker, case, held_on=today + datetime.timedelta(days=1), findings="", next_review_on=today
        )
    assert len(refused.value.messages) == 3
    later = today + datetime.timedelta(30)
    monitoring_record(ward.care_plaza_worker, case, held_on=today, findings="就労体験に参加", next_review_on=later)
    assert current_plan(case).review_on == today + datetime.timedelta(30)


def test_a_plan_sent_back_by_the_conference_is_a_draft_again_and_needs_a_new_approval(
    ward, agencies, case, supervisor
):
    case = walk(case, ward, supervisor, 3)  # 支援調整会議
    plan_approve(supervisor, case)
    case = stage_move(ward.care_plaza_worker, case, S.PLANNING, note="会議で見直し")
    plan = current_plan(case)
    assert plan.status == PlanStatus.DRAFT and plan.approved_at is None
    goal_add(ward.care_plaza_worker, case, term=GoalTerm.SHORT, text="就労体験に参加する")
    case = stage_move(ward.care_plaza_worker, case, S.CONFERENCE)
    with pytest.raises(CaseError, match="承認が必要"):
        stage_move(ward.care_plaza_worker, case, S.SUPPORT)
