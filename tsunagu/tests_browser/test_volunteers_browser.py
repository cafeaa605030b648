"""The volunteer centre end to end: a student registers on the public form from a phone, the 社協's coordinator
checks and approves the registration and links the volunteer's sign-in, finds them ranked first for a 買い物 need
(with the reasons) and asks them; on the phone (390×844) the volunteer sees the need without the requester,
accepts, then sees the requester and records the activity with its hours, by keyboard. Every page passes
axe-core (WCAG 2.1 AA).

As in test_search_browser: no ORM call while Playwright runs."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from tsunagu.testing.browser import (
    TIMEOUT_MS,
    assert_accessible,
    authenticator_for,
    chromium,
    sign_in,
    sign_in_with_second_factor,
)
from tsunagu.testing.factories.accounts import UserFactory
from tsunagu.testing.volunteers import make_need, make_volunteer
from tsunagu.volunteers.models import slot_label, slot_of

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("audit_triggers_off_for_flush")]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture
def centre(ward: SimpleNamespace) -> SimpleNamespace:
    start = (timezone.localtime() + datetime.timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    need = make_need(ward, starts_at=start)
    UserFactory(username="vol_manabu", display_name="大正 学")
    return SimpleNamespace(
        need=need,
        slot=str(slot_label(slot_of(start))),
        district=f"{ward.districts.a.name}（{ward.districts.a.district_type.name}）",
        authenticator=authenticator_for(ward.shakyo_coordinator),
    )


def test_register_approve_match_accept_and_record_from_a_phone(
    live_server: LiveServer, centre: SimpleNamespace
) -> None:
    base = live_server.url
    with chromium() as browser:
        phone = browser.new_context(locale="ja-JP", **PHONE).new_page()
        phone.set_default_timeout(TIMEOUT_MS)
        # The public form, from the footer of any page, without signing in.
        phone.goto(f"{base}/accounts/login/")
        phone.get_by_role("link", name="ボランティアに登録する").click()
        expect(phone.get_by_role("heading", name="ボランティア登録", level=1)).to_be_visible()
        assert_accessible(phone, "registration form")
        phone.get_by_label("お名前・団体名").fill("大正 学")
        phone.get_by_label("フリガナ").fill("タイショウ マナブ")
        phone.get_by_label("区とのかかわり").select_option("student")
        phone.get_by_label("電話番号").fill("090-1234-5678")
        phone.get_by_label("買い物").check()
        phone.get_by_label(centre.district).check()
        phone.get_by_label(centre.slot).check()
        phone.get_by_label("ボランティアセンターから、活動の依頼やお知らせの連絡を受けることに同意します").check()
        # Sent by keyboard: the button focused, then Enter.
        phone.get_by_role("button", name="登録を申し込む").focus()
        phone.keyboard.press("Enter")
        expect(phone.get_by_role("heading", name="登録の申込を受け付けました")).to_be_visible()
        assert_accessible(phone, "registration done")

        staff = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}).new_page()
        staff.set_default_timeout(TIMEOUT_MS)
        sign_in_with_second_factor(staff, base, "shakyo_coordinator", centre.authenticator)
        staff.get_by_role("link", name="ボランティアセンター").click()
        assert_accessible(staff, "needs")
        staff.get_by_role("link", name="登録の一覧").click()
        assert_accessible(staff, "registrations")
        staff.get_by_role("link", name="大正 学").click()
        assert_accessible(staff, "volunteer")
        staff.get_by_label("登録する", exact=True).check()
        staff.get_by_label("メモ（任意）").fill("面談済み・保険加入を案内")
        staff.get_by_role("button", name="確認の結果を記録する").click()
        expect(staff.get_by_text("確認の結果を記録しました。")).to_be_visible()
        staff.get_by_label("ログインの利用者名").fill("vol_manabu")
        staff.get_by_role("button", name="結びつける").click()
        expect(staff.get_by_text("ログインの利用者を結びつけました。")).to_be_visible()

        staff.get_by_role("link", name="ボランティアセンター").click()
        staff.get_by_role("link", name=centre.need.title).click()
        expect(staff.get_by_text("やりたいこと: 買い物")).to_be_visible()
        expect(staff.get_by_text("活動できる曜日・時間帯に合う")).to_be_visible()
        assert_accessible(staff, "need with candidates")
        staff.get_by_role("button", name="大正 学さんに依頼する").click()
        expect(staff.get_by_text("大正 学さんに依頼しました。返事を待っています。")).to_be_visible()

        # The volunteer, on their phone.
        volunteer = browser.new_context(locale="ja-JP", **PHONE).new_page()
        volunteer.set_default_timeout(TIMEOUT_MS)
        sign_in(volunteer, base, "vol_manabu")
        # The phone's menu opens from its button.
        volunteer.get_by_role("button", name="メニュー").click()
        volunteer.get_by_role("link", name="わたしのボランティア").click()
        expect(volunteer.get_by_role("heading", name=centre.need.title)).to_be_visible()
        expect(volunteer.get_by_text("泉尾 トメ")).to_have_count(0)
        assert_accessible(volunteer, "my page with a proposal")
        volunteer.get_by_role("button", name="引き受ける").click()
        expect(volunteer.get_by_text("引き受けました。依頼した方の連絡先を表示しています。")).to_be_visible()
        expect(volunteer.get_by_text("泉尾 トメ", exact=False)).to_be_visible()
        expect(volunteer.get_by_role("link", name="06-6555-0199")).to_be_visible()
        assert_accessible(volunteer, "my page with an accepted need")

        volunteer.get_by_role("link", name="活動を記録する").focus()
        volunteer.keyboard.press("Enter")
        expect(volunteer.get_by_role("heading", name="活動の記録", level=1)).to_be_visible()
        assert_accessible(volunteer, "activity form")
        volunteer.get_by_label("活動時間（時間）").fill("1.5")
        volunteer.get_by_label("ひとこと報告（任意）").fill("スーパーまで同行しました")
        volunteer.get_by_role("button", name="記録する").click()
        expect(volunteer.get_by_text("活動を記録しました。ありがとうございました。")).to_be_visible()
        expect(volunteer.get_by_text("1.5時間", exact=False)).to_be_visible()
        assert volunteer.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_course_a_session_and_attendance_by_keyboard(live_server: LiveServer, ward: SimpleNamespace) -> None:
    """The coordinator sets up a 声掛け研修 of one session, enrols a volunteer and ticks their attendance with the
    keyboard only; the completion follows and shows on the volunteer's page. Every page passes axe-core."""
    make_volunteer(ward, name="山田 花子")
    authenticator = authenticator_for(ward.shakyo_coordinator)
    base = live_server.url
    with chromium() as browser:
        staff = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}).new_page()
        staff.set_default_timeout(TIMEOUT_MS)
        sign_in_with_second_factor(staff, base, "shakyo_coordinator", authenticator)
        staff.get_by_role("link", name="ボランティアセンター").click()
        staff.get_by_role("link", name="研修", exact=True).click()
        assert_accessible(staff, "courses")
        staff.get_by_role("link", name="研修を登録する").click()
        staff.get_by_label("研修の種類").select_option("greeting")
        staff.get_by_label("研修の名前").fill("声掛け研修（基礎）")
        staff.get_by_label("修了に必要な出席回数").fill("1")
        assert_accessible(staff, "course form")
        staff.get_by_role("button", name="登録する").click()
        expect(staff.get_by_text("研修「声掛け研修（基礎）」を登録しました。")).to_be_visible()
        staff.get_by_label("日時").fill("2027-05-10T14:00")
        staff.get_by_label("会場").fill("大正区役所 会議室")
        staff.get_by_role("button", name="回を追加する").click()
        expect(staff.get_by_text("研修の回を追加しました。")).to_be_visible()
        staff.get_by_label("申し込むボランティア").select_option(label="山田 花子")
        staff.get_by_role("button", name="申し込む").click()
        expect(staff.get_by_text("申し込みを受け付けました。")).to_be_visible()
        assert_accessible(staff, "session with an enrolment")
        # By keyboard: Tab reaches the row's button, Enter sends it.
        staff.get_by_role("link", name="山田 花子").focus()
        staff.keyboard.press("Tab")
        expect(staff.get_by_role("button", name="山田 花子さんは出席")).to_be_focused()
        staff.keyboard.press("Enter")
        expect(staff.get_by_text("山田 花子さんは「声掛け研修（基礎）」を修了しました。")).to_be_visible()
        staff.get_by_role("link", name="山田 花子").click()
        expect(staff.get_by_text("声掛け研修（基礎）（声掛け研修）", exact=False)).to_be_visible()
        staff.goto(f"{base}/volunteers/training/completions/")
        assert_accessible(staff, "completions")
