"""つながり応援補助金 end to end: a group applies through the public form on a phone (no sign-in, sent by keyboard),
the 社協's coordinator starts the review, awards an amount and records a payment, and the activity then appears in
the directory's public list of funded activities without the contact person. Every page passes axe-core.

As in test_search_browser: no ORM call while Playwright runs."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from tsunagu.areas.models import Municipality
from tsunagu.testing.browser import (
    TIMEOUT_MS,
    assert_accessible,
    authenticator_for,
    chromium,
    sign_in_with_second_factor,
)
from tsunagu.volunteers.services import call_create

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("audit_triggers_off_for_flush")]


@pytest.fixture
def grant_call(ward: SimpleNamespace) -> SimpleNamespace:
    today = timezone.localdate()
    call = call_create(
        actor=ward.shakyo_coordinator,
        municipality_id=Municipality.home().pk,
        name="つながり応援補助金",
        fiscal_year=today.year,
        criteria="区内で活動する団体の、人と人とがつながる活動。",
        budget=300000,
        max_per_application=100000,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=30),
    )
    return SimpleNamespace(pk=call.pk, authenticator=authenticator_for(ward.shakyo_coordinator))


def test_apply_review_award_pay_and_publish(live_server: LiveServer, grant_call: SimpleNamespace) -> None:
    base = live_server.url
    with chromium() as browser:
        phone = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844}).new_page()
        phone.set_default_timeout(TIMEOUT_MS)
        phone.goto(f"{base}/volunteers/grants/")
        assert_accessible(phone, "open calls")
        phone.get_by_role("link", name="つながり応援補助金に申請する").click()
        phone.get_by_role("button", name="申請する").focus()
        phone.keyboard.press("Enter")
        expect(phone.get_by_text("入力に誤りがあります。各項目の説明をご確認ください。")).to_be_visible()
        assert_accessible(phone, "form with errors")
        phone.get_by_label("団体名").fill("泉尾ふれあいの会")
        phone.get_by_label("担当者のお名前").fill("泉尾 花子")
        phone.get_by_label("メールアドレス").fill("hanako@example.jp")
        phone.get_by_label("活動の名前").fill("ふれあい喫茶")
        phone.get_by_label("活動の内容").fill("月2回、公民館でお茶の会をひらきます。")
        phone.get_by_label("申請額（円）").fill("80000")
        phone.get_by_label("経費の内訳").fill("会場費 24,000円、茶菓子 56,000円")
        phone.get_by_label("交付が決まったとき、金額も一覧に公開してよい").check()
        phone.get_by_role("button", name="申請する").focus()
        phone.keyboard.press("Enter")
        expect(phone.get_by_role("heading", name="申請を受け付けました")).to_be_visible()
        assert_accessible(phone, "received")

        staff = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}).new_page()
        staff.set_default_timeout(TIMEOUT_MS)
        sign_in_with_second_factor(staff, base, "shakyo_coordinator", grant_call.authenticator)
        staff.goto(f"{base}/volunteers/grants/manage/")
        assert_accessible(staff, "calls")
        staff.get_by_role("link", name="つながり応援補助金").last.click()
        assert_accessible(staff, "call")
        staff.get_by_role("link", name="泉尾ふれあいの会「ふれあい喫茶」").click()
        expect(staff.get_by_text("泉尾 花子")).to_be_visible()
        staff.get_by_role("button", name="審査中にする").click()
        expect(staff.get_by_text("審査中にしました。")).to_be_visible()
        staff.get_by_label("交付する", exact=True).check()
        staff.get_by_label("交付決定額（円）").fill("80000")
        staff.get_by_role("button", name="決定を記録する").click()
        expect(staff.get_by_text("決定を記録しました。")).to_be_visible()
        staff.get_by_label("支払額（円）").fill("90000")
        staff.get_by_role("button", name="支払を記録する").click()
        expect(staff.get_by_text("支払の合計が交付決定額を超えます（あと80,000円まで）。")).to_be_visible()
        staff.get_by_label("支払額（円）").fill("80000")
        staff.get_by_role("button", name="支払を記録する").click()
        expect(staff.get_by_text("支払を記録しました。")).to_be_visible()
        assert_accessible(staff, "awarded and paid")

        phone.goto(f"{base}/directory/funded/")
        listed = phone.get_by_role("table")
        expect(listed.get_by_role("cell", name="泉尾ふれあいの会")).to_be_visible()
        expect(listed.get_by_role("cell", name="80,000")).to_be_visible()
        expect(phone.get_by_text("泉尾 花子")).to_have_count(0)
        assert_accessible(phone, "funded activities")
