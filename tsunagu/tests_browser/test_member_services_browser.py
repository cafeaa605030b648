"""Member-to-member services end to end, by the 社協's coordinator: a 利用会員's request is taken, a 協力会員 is
chosen, the activity is reported with its start and end times and transport, approved (the ledger shows the
balances), then reversed with a reason; the month's statement shows the reversal. Forms are sent by keyboard and
every page passes axe-core (WCAG 2.1 AA).

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
from tsunagu.volunteers.models import MemberKind
from tsunagu.volunteers.services import member_register, rate_add, scheme_create

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("audit_triggers_off_for_flush")]


@pytest.fixture
def futaba(ward: SimpleNamespace) -> SimpleNamespace:
    actor = ward.shakyo_coordinator
    start = timezone.localdate() - datetime.timedelta(days=90)
    scheme = scheme_create(
        actor=actor, municipality_id=Municipality.home().pk, name="ふたばサービス", operator="大正区社会福祉協議会"
    )
    rate_add(actor=actor, scheme=scheme, valid_from=start, fee_per_hour=800, honorarium_per_hour=600, transport_fee=300)
    user = member_register(
        actor=actor, scheme=scheme, kind=MemberKind.USER, number="U-001", name="泉尾 トメ", joined_on=start
    )
    member_register(actor=actor, scheme=scheme, kind=MemberKind.HELPER, number="H-001", name="北 次郎", joined_on=start)
    return SimpleNamespace(
        user_pk=user.pk,
        day=timezone.localdate() - datetime.timedelta(days=1),
        authenticator=authenticator_for(actor),
    )


def test_request_assign_report_approve_and_reverse(live_server: LiveServer, futaba: SimpleNamespace) -> None:
    base = live_server.url
    day = futaba.day
    with chromium() as browser:
        staff = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}).new_page()
        staff.set_default_timeout(TIMEOUT_MS)
        sign_in_with_second_factor(staff, base, "shakyo_coordinator", futaba.authenticator)
        staff.get_by_role("link", name="ボランティアセンター").click()
        staff.get_by_role("link", name="住民参加型サービス").first.click()
        expect(staff.get_by_role("heading", name="住民参加型サービス", level=1)).to_be_visible()
        assert_accessible(staff, "schemes")
        staff.get_by_role("link", name="サービスの依頼").first.click()
        assert_accessible(staff, "requests")

        staff.get_by_label("利用会員").select_option(label="U-001 泉尾 トメ（ふたばサービス）")
        staff.get_by_label("してほしいこと").fill("通院の付き添い")
        staff.get_by_label("日時").fill(f"{day:%Y-%m-%d}T09:30")
        staff.get_by_role("button", name="受け付ける").focus()
        staff.keyboard.press("Enter")
        expect(staff.get_by_text("依頼を受け付けました。協力会員を決めてください。")).to_be_visible()
        assert_accessible(staff, "request to assign")

        staff.get_by_label("協力会員").select_option(label="H-001 北 次郎（協力会員）")
        staff.get_by_role("button", name="決める").click()
        expect(staff.get_by_text("協力会員を決めました。")).to_be_visible()
        assert_accessible(staff, "request to report")

        staff.get_by_label("開始", exact=True).fill("09:30")
        staff.get_by_label("終了", exact=True).fill("11:10")
        staff.get_by_label("交通費あり").check()
        staff.get_by_label("報告", exact=True).fill("病院まで同行しました")
        staff.get_by_role("button", name="記録する").focus()
        staff.keyboard.press("Enter")
        expect(staff.get_by_text("活動報告を記録しました。内容を確かめて承認してください。")).to_be_visible()
        assert_accessible(staff, "report to approve")

        staff.get_by_role("button", name="承認して台帳に記録する").click()
        expect(staff.get_by_text("承認しました。台帳に記録しました。")).to_be_visible()
        assert_accessible(staff, "approved request")

        staff.get_by_role("button", name="取り消す（逆仕訳）").click()
        expect(staff.get_by_text("取り消しの理由を入れてください。").first).to_be_visible()
        staff.get_by_label("取り消しの理由").fill("終了時刻の入力ちがい")
        staff.get_by_role("button", name="取り消す（逆仕訳）").click()
        expect(staff.get_by_text("取り消しました（逆仕訳）。訂正した報告を記録できます。")).to_be_visible()

        staff.get_by_role("link", name="U-001 泉尾 トメ").click()
        expect(staff.get_by_role("heading", name="泉尾 トメ", level=1)).to_be_visible()
        assert_accessible(staff, "member with ledger")
        ledger = staff.get_by_role("table", name="この会員の台帳")
        expect(ledger.get_by_role("row")).to_have_count(3)  # the header, the activity and its reversal
        expect(ledger.get_by_text("取り消し（逆仕訳）")).to_be_visible()
        expect(ledger.get_by_role("cell", name="-1,900", exact=True)).to_be_visible()

        staff.get_by_role("link", name=f"{day.year}年{day.month}月").click()
        expect(staff.get_by_role("heading", name=f"月次明細（{day.year}年{day.month}月）")).to_be_visible()
        assert_accessible(staff, "statement")
