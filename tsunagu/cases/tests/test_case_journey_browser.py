"""Issue 9, acceptance 10: one case from start to end through the pages, as the people who use them would.

A commissioner's 気になる about a resident is routed to the care plaza. The care plaza worker opens a case from
it, records the client's consent and refers the case to the 自立相談支援機関, whose worker accepts it (confirming
confidentiality), starts support and plans it (アセスメント → プラン策定 → 支援調整会議, with a goal, an action and
the client's agreement date); the agency's supervisor approves the plan; support starts; a 支援調整会議 takes the
case on its agenda with minutes; the case is closed with a reason and the supervisor approves the closing. The
commissioner then sees 「対応しました」 and nothing of the case; a worker of an agency not on the team gets the 404
page for the case's URL, and the refusal is in the audit log.

No ORM call while Playwright runs: the data is made first and checked after the browser closes."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page
from pytest_django.live_server_helper import LiveServer

from tsunagu.audit.models import AuditAction, AuditEntry, AuditTarget
from tsunagu.cases.models import Case, ClosureKind, ConferenceAgendaItem, PlanStatus, ReferralStatus, Stage
from tsunagu.organisations.models import MembershipRole
from tsunagu.testing.browser import (
    TIMEOUT_MS,
    assert_accessible,
    authenticator_for,
    chromium,
    sign_in,
    sign_in_with_second_factor,
)
from tsunagu.testing.factories import MembershipFactory, UserFactory
from tsunagu.watch.models import EscalationStatus

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("audit_triggers_off_for_flush")]

COMPLAINT = "家賃を3か月滞納し、督促状が届いている"
GOAL = "家賃を滞納せずに暮らす"
ACTION = "家計改善支援（家計表の作成）"
MINUTES = "家計改善支援と住居確保給付金の申請を進めることを確認した。"


def flash(page: Page, text: str) -> None:
    """The page after a form's redirect shows its success message."""
    assert page.get_by_text(text).first.is_visible(), f"no 「{text}」 on {page.url}"


def submit(page: Page, button: Locator) -> None:
    with page.expect_navigation():
        button.click()


def form_titled(page: Page, heading: str) -> Locator:
    return page.locator("form").filter(has=page.get_by_role("heading", name=heading, exact=True))


def test_a_case_from_a_watch_concern_is_referred_planned_discussed_and_closed(
    live_server: LiveServer, ward, agencies, escalation
) -> None:
    supervisor = UserFactory(username="jiritsu_lead")
    MembershipFactory(user=supervisor, organisation=agencies.self_reliance, role=MembershipRole.MANAGER)
    keys = {
        user.username: authenticator_for(user)
        for user in (ward.care_plaza_worker, agencies.self_reliance_worker, supervisor, agencies.disability_worker)
    }
    person = ward.people.b1_agreed
    person_name = person.full_name
    today = timezone.localdate()
    # The conference began a little earlier today (minutes are recorded once it has started).
    starts = (timezone.localtime() - datetime.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    base = live_server.url
    jiritsu = agencies.self_reliance.name
    care_plaza = ward.orgs.care_plaza.name

    with chromium() as browser:

        def session(username: str, *, second_factor: bool = True) -> Page:
            page = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}).new_page()
            page.set_default_timeout(TIMEOUT_MS)
            if second_factor:
                sign_in_with_second_factor(page, base, username, keys[username])
            else:
                sign_in(page, base, username)
                page.wait_for_url(lambda url: "/accounts/login/" not in url, timeout=TIMEOUT_MS)
            return page

        # 1. The care plaza opens a case from the commissioner's concern, records consent and refers it.
        plaza = session("care_plaza_worker")
        plaza.get_by_role("link", name="つなぎの受付", exact=True).click()
        plaza.get_by_role("link", name=person_name).click()
        plaza.wait_for_url(re.compile(r"/watch/escalations/\d+/"))
        assert_accessible(plaza, "the escalation")
        plaza.get_by_role("link", name="相談支援として受け付ける").click()
        plaza.wait_for_url(re.compile(r"/cases/from-escalation/"))
        assert plaza.get_by_text(f"相談者：{person_name}").is_visible()
        assert_accessible(plaza, "the intake from an escalation")
        plaza.get_by_role("checkbox", name="高齢・介護").check()
        plaza.get_by_role("checkbox", name="生活困窮").check()
        plaza.get_by_label("主訴").fill(COMPLAINT)
        submit(plaza, plaza.get_by_role("button", name="受け付ける"))
        flash(plaza, "相談を受け付けました")
        case_url = plaza.url
        case_id = re.search(r"/cases/(\d+)/$", case_url).group(1)
        assert plaza.get_by_text("郵便受けに督促状").is_visible()  # the watch history, copied onto the case
        assert_accessible(plaza, "the new case")

        consent = form_titled(plaza, "同意を記録する")
        consent.get_by_label(re.compile("^同意")).select_option(label="同意あり")
        consent.get_by_role("checkbox", name=jiritsu).check()
        consent.get_by_label("意思表示をした方").fill("本人")
        consent.get_by_label("確認方法").fill("署名")
        submit(plaza, consent.get_by_role("button", name="記録する"))
        flash(plaza, "同意を記録しました。")

        refer = form_titled(plaza, "他機関に紹介する")
        refer.get_by_label("紹介先").select_option(label=jiritsu)
        refer.get_by_label("紹介の理由").fill("家計の立て直しと住まいの相談")
        submit(plaza, refer.get_by_role("button", name="紹介を依頼する"))
        flash(plaza, "紹介を依頼しました。")
        assert_accessible(plaza, "the referral, sent")

        # 2. The 自立相談支援機関 accepts (confirming confidentiality) and starts support.
        worker = session("jiritsu")
        worker.get_by_role("link", name=re.compile("^依頼中の紹介")).click()
        worker.get_by_role("table").get_by_role("link").first.click()
        worker.wait_for_url(re.compile(r"/cases/referrals/\d+/"))
        assert_accessible(worker, "the referral, received")
        worker.get_by_label("受理にあたり、守秘義務（社会福祉法106条の6）を確認しました").check()
        submit(worker, worker.get_by_role("button", name="受理", exact=True))
        flash(worker, "「受理」にしました。")
        worker.get_by_label("理由・メモ").fill("初回面談の日程を調整した")
        submit(worker, worker.get_by_role("button", name="支援開始", exact=True))
        flash(worker, "「支援開始」にしました。")

        # 3. The plan, from the shared case: アセスメント → プラン策定 (goal, action, agreement) → 支援調整会議.
        worker.get_by_role("link", name=re.compile("^共有されたケース")).click()
        worker.locator(f'a[href="/cases/{case_id}/"]').click()
        worker.wait_for_url(case_url)
        assert worker.get_by_text(COMPLAINT).is_visible()
        worker.get_by_role("link", name="支援計画と段階").click()
        worker.wait_for_url(re.compile(r"/plan/$"))
        for stage in ("アセスメント", "プラン策定"):
            submit(worker, worker.get_by_role("button", name=f"「{stage}」へ"))
            flash(worker, "段階を進めました。")
        goal = form_titled(worker, "目標を加える")
        goal.get_by_label("期間").select_option(label="長期目標")
        goal.get_by_label("目標").fill(GOAL)
        submit(worker, goal.get_by_role("button", name="加える"))
        flash(worker, "目標を加えました。")
        action = form_titled(worker, "支援内容を加える")
        action.get_by_label("支援の内容").fill(ACTION)
        action.get_by_label("担当機関").select_option(label=jiritsu)
        action.get_by_label("頻度・時期").fill("月2回")
        submit(worker, action.get_by_role("button", name="加える"))
        flash(worker, "支援内容を加えました。")
        # The agreement (プラン兼事業等利用申込書) is recorded while the plan is a draft: approval locks it.
        plan = form_titled(worker, "本人の思い・課題・期間")
        plan.get_by_label("本人の思い・目指す姿").fill("今の家に住み続けたい")
        plan.get_by_label("本人の同意（申込）の日").fill(today.isoformat())
        submit(worker, plan.get_by_role("button", name="保存する"))
        flash(worker, "支援計画を保存しました。")
        submit(worker, worker.get_by_role("button", name="「支援調整会議」へ"))
        flash(worker, "段階を進めました。")
        assert_accessible(worker, "the plan at 支援調整会議")

        # 4. A 支援調整会議 with the care plaza, the case on its agenda, and its minutes.
        worker.get_by_role("link", name="支援会議", exact=True).click()
        worker.get_by_role("link", name="会議を登録する").click()
        worker.get_by_label("会議の種類").select_option(label="支援調整会議")
        worker.get_by_label("会議名").fill("北部圏域 支援調整会議")
        worker.get_by_label("開始日時").fill(starts)
        worker.get_by_label("場所").fill("区役所 会議室")
        submit(worker, worker.get_by_role("button", name="登録する"))
        flash(worker, "会議を登録しました。")
        participants = form_titled(worker, "参加者を加える")
        participants.get_by_label("機関", exact=True).select_option(label=care_plaza)
        participants.get_by_label("守秘義務を確認しました（誓約書など）").check()
        submit(worker, participants.get_by_role("button", name="加える"))
        flash(worker, "参加者を加えました。")
        agenda = form_titled(worker, "ケースを議題に加える")
        agenda.get_by_label("ケース").select_option(index=1)
        agenda.get_by_label("検討すること").fill("支援計画の確認")
        submit(worker, agenda.get_by_role("button", name="議題に加える"))
        flash(worker, "議題に加えました。")
        worker.get_by_label("議事録").fill(MINUTES)
        submit(worker, worker.get_by_role("button", name="議事録を保存"))
        flash(worker, "議事録を保存しました。")
        assert worker.locator(f'#agenda ~ section a[href="/cases/{case_id}/"]').is_visible()
        assert_accessible(worker, "the conference")

        # The supervisor approves the plan from the approvals list.
        lead = session("jiritsu_lead")
        lead.get_by_role("link", name=re.compile("^自分の担当")).click()
        lead.get_by_role("link", name="承認待ち").click()
        assert lead.get_by_text("支援計画（第1版）").is_visible()
        assert_accessible(lead, "approvals")
        lead.locator(f'a[href="/cases/{case_id}/plan/"]').click()
        submit(lead, lead.get_by_role("button", name="この計画を承認する"))
        flash(lead, "承認しました。")

        # → 支援提供, then the closing request with its reason.
        worker.goto(f"{case_url}plan/")
        submit(worker, worker.get_by_role("button", name="「支援提供」へ"))
        flash(worker, "段階を進めました。")
        close = form_titled(worker, "終結する")
        close.get_by_label("終結の理由").select_option(label="目標達成")
        close.get_by_label("理由の詳細").fill("家賃の滞納が解消した")
        submit(worker, close.get_by_role("button", name="終結する"))
        flash(worker, "終結を記録しました")
        pending = re.compile("^終結の申請（目標達成：家賃の滞納が解消した、.*が承認を待っています")
        assert worker.get_by_text(pending).is_visible()

        # 5. The supervisor approves the closing.
        lead.get_by_role("link", name=re.compile("^自分の担当")).click()
        lead.get_by_role("link", name="承認待ち").click()
        lead.locator(f'a[href="/cases/{case_id}/plan/"]').click()
        submit(lead, lead.get_by_role("button", name="承認して終結する"))
        flash(lead, "終結の申請を判断しました。")
        assert lead.get_by_text("目標達成：家賃の滞納が解消した").is_visible()
        assert_accessible(lead, "the closed case's plan")

        # 6. The commissioner sees 「対応しました」, and nothing of the case.
        commissioner = session("commissioner", second_factor=False)
        commissioner.get_by_role("link", name="見守り", exact=True).click()
        commissioner.get_by_role("link", name="つないだ方のその後").click()
        commissioner.wait_for_url(re.compile(r"/cases/notices/$"))
        assert commissioner.get_by_text("支援を開始しました").is_visible()
        assert commissioner.get_by_text("対応しました").is_visible()
        assert_accessible(commissioner, "the raiser's notices")
        shown = commissioner.content()
        commissioner.get_by_role("link", name="見守り", exact=True).click()
        commissioner.get_by_role("link", name=person_name).click()
        assert commissioner.get_by_role("cell", name="対応しました").is_visible()
        assert_accessible(commissioner, "the watched person")
        shown += commissioner.content()
        for secret in (COMPLAINT, GOAL, ACTION, MINUTES, "家賃の滞納が解消した", jiritsu):
            assert secret not in shown
        response = commissioner.goto(case_url)
        assert response.status == 404

        # 7. A worker of an agency not on the team gets the 404 page for the case's URL.
        outsider = session("shogai")
        response = outsider.goto(case_url)
        assert response.status == 404
        assert outsider.get_by_role("heading", name="ページが見つかりません").is_visible()
        assert COMPLAINT not in outsider.content()
        assert_accessible(outsider, "the 404 page")

    case = Case.objects.get(pk=case_id)
    assert case.source_escalation_id == escalation.pk
    assert case.stage == Stage.CLOSED and case.closing_reason.startswith("目標達成")
    closure = case.closures.get()
    assert (closure.kind, closure.requested_by, closure.decided_by, closure.approved) == (
        ClosureKind.GOAL_REACHED,
        agencies.self_reliance_worker,
        supervisor,
        True,
    )
    plan = case.plans.get()
    assert (plan.status, plan.approved_by, plan.organisation, plan.client_agreed_on) == (
        PlanStatus.APPROVED,
        supervisor,
        agencies.self_reliance,
        today,
    )
    assert [c.to_stage for c in case.stage_changes.order_by("at", "pk")] == [
        Stage.ASSESSMENT,
        Stage.PLANNING,
        Stage.CONFERENCE,
        Stage.SUPPORT,
        Stage.CLOSED,
    ]
    referral = case.referrals.get()
    assert (referral.to_organisation, referral.status) == (agencies.self_reliance, ReferralStatus.SUPPORT_STARTED)
    assert set(case.team.filter(ended_at__isnull=True).values_list("organisation", flat=True)) == {
        ward.orgs.care_plaza.pk,
        agencies.self_reliance.pk,
    }
    item = ConferenceAgendaItem.objects.select_related("conference").get(case=case)
    assert (item.minutes, item.conference.organiser) == (MINUTES, agencies.self_reliance)
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.CLOSED
    assert AuditEntry.objects.filter(
        action=AuditAction.DENIED,
        target_type=AuditTarget.CASE,
        actor_id_value=agencies.disability_worker.pk,
        detail__requested_id=case_id,
    ).exists()
