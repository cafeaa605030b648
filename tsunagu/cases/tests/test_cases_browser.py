"""The case pages in a browser pass axe-core's WCAG 2.1 A/AA rules: the worker's lists with their menu counts, the
intake (also with errors), a case with its team, consent and referral forms, and a referral with its answers; the
support conference and plan pages; the outreach worklist, an item and the flagging form (with errors), the case
timeline, the caseload dashboard and the area issues with their charts and tables.

No ORM call while Playwright runs."""

import datetime

import pytest
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from tsunagu.cases.models import DecisionKind, GoalTerm, Stage
from tsunagu.cases.services import (
    action_add,
    agenda_add,
    conference_create,
    decision_record,
    goal_add,
    minutes_record,
    outreach_create,
    participant_add,
    referral_create,
    stage_move,
    task_create,
)
from tsunagu.testing.browser import (
    TIMEOUT_MS,
    assert_accessible,
    authenticator_for,
    chromium,
    sign_in_with_second_factor,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("audit_triggers_off_for_flush")]


def test_the_case_pages_pass_axe_core(live_server: LiveServer, ward, agencies, consented) -> None:
    referral = referral_create(
        ward.care_plaza_worker, consented, to_organisation=agencies.self_reliance, reason="家計の立て直しの相談"
    )
    item = outreach_create(
        ward.care_plaza_worker,
        person_id=consented.client_id,
        reason="郵便物がたまっている",
        next_action="訪問して様子を確かめる",
        owner_organisation=ward.orgs.care_plaza,
    )
    authenticator = authenticator_for(ward.care_plaza_worker)
    base = live_server.url
    with chromium() as browser:
        page = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}).new_page()
        page.set_default_timeout(TIMEOUT_MS)
        sign_in_with_second_factor(page, base, "care_plaza_worker", authenticator)
        page.goto(f"{base}/cases/")
        assert page.get_by_role("link", name="自分の担当 1").is_visible()
        assert_accessible(page, "my cases")
        page.goto(f"{base}/cases/referrals/")
        assert_accessible(page, "open referrals")
        page.goto(f"{base}/cases/{consented.pk}/")
        assert_accessible(page, "a case")
        page.goto(f"{base}/cases/referrals/{referral.pk}/")
        assert page.get_by_role("button", name="取消").is_visible()
        assert_accessible(page, "a referral")
        page.goto(f"{base}/cases/new/")
        assert_accessible(page, "the intake")
        page.get_by_role("button", name="受け付ける").click()
        page.wait_for_load_state()
        assert_accessible(page, "the intake with errors")
        page.goto(f"{base}/cases/outreach/")
        assert page.get_by_role("link", name="訪問して様子を確かめる").count() == 0
        assert_accessible(page, "the outreach worklist")
        page.goto(f"{base}/cases/outreach/{item.pk}/")
        assert_accessible(page, "an outreach item")
        page.get_by_role("button", name="解決にする").click()
        page.wait_for_load_state()
        assert page.locator("#id_resolution_error_1").is_visible()
        assert_accessible(page, "an outreach item with errors")
        page.goto(f"{base}/cases/outreach/new/")
        assert_accessible(page, "flagging by hand")
        page.goto(f"{base}/cases/{consented.pk}/timeline/")
        assert_accessible(page, "the case timeline")
        page.goto(f"{base}/cases/dashboard/")
        assert_accessible(page, "the caseload dashboard")
        page.goto(f"{base}/cases/area/")
        assert page.get_by_role("table", name="地区別・分野別の相談件数（延べ）").is_visible()
        assert_accessible(page, "the area issues")


def test_the_conference_and_plan_pages_pass_axe_core(live_server: LiveServer, ward, agencies, case) -> None:
    """A conference (participants, an agenda item with minutes, a decision, a task past due), its list with the
    owner's tasks, the new-conference form with its errors, a case's plan page and the approvals list; the
    acknowledgement and task forms are reached by keyboard."""
    worker = ward.care_plaza_worker
    conference = conference_create(
        worker,
        organiser=None,
        kind="support_meeting",
        title="北部圏域 支援会議",
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        place="区役所 会議室",
    )
    participant_add(worker, conference, organisation=agencies.self_reliance)
    item = agenda_add(worker, conference, case.pk, topic="家計と介護")
    minutes_record(worker, conference, item.pk, minutes="家計改善支援を検討した。")
    decision_record(
        worker, conference, item.pk, kind=DecisionKind.ADD_TO_TEAM, text="加える", organisation=agencies.self_reliance
    )
    task_create(
        worker,
        conference,
        description="家計の聞き取り",
        due_on=timezone.localdate() - datetime.timedelta(days=1),
        owner_organisation=ward.orgs.care_plaza,
    )
    for stage in (Stage.ASSESSMENT, Stage.PLANNING):
        case = stage_move(worker, case, stage)
    goal_add(worker, case, term=GoalTerm.LONG, text="家賃を滞納せずに暮らす")
    action_add(worker, case, what="家計改善支援", organisation=agencies.self_reliance, frequency="月2回")
    authenticator = authenticator_for(worker)
    base = live_server.url
    with chromium() as browser:
        page = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}).new_page()
        page.set_default_timeout(TIMEOUT_MS)
        sign_in_with_second_factor(page, base, "care_plaza_worker", authenticator)
        page.goto(f"{base}/cases/conferences/")
        assert page.get_by_text("期限超過のタスク 1件").is_visible()
        assert_accessible(page, "conferences and tasks")
        page.goto(f"{base}/cases/conferences/{conference.pk}/")
        button = page.get_by_role("button", name="大正区自立相談支援機関の守秘義務の確認を記録する")
        button.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.get_by_text("守秘義務の確認を記録しました。").is_visible()
        assert_accessible(page, "a conference")
        page.goto(f"{base}/cases/conferences/new/")
        with page.expect_navigation():
            page.get_by_role("button", name="登録する").click()
        assert page.locator("p.error").first.is_visible()
        assert_accessible(page, "the new conference with errors")
        page.goto(f"{base}/cases/{case.pk}/plan/")
        assert page.get_by_role("button", name="「支援調整会議」へ").is_visible()
        assert_accessible(page, "a plan")
        with page.expect_navigation():
            page.get_by_role("button", name="「支援調整会議」へ").click()
        assert page.get_by_text("段階を進めました。").is_visible()
        page.goto(f"{base}/cases/approvals/")
        assert_accessible(page, "approvals")
