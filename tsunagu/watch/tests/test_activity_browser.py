"""The commissioner's activity record pages in a browser, on a phone's width: the months, the prefilled form (also
with an error beside a field), the submitted record, and the 民児協's totals for staff pass axe-core's WCAG 2.1
A/AA rules. (The site-wide sweep signs in as staff and a 町会 member, who are refused the commissioner's pages.)

No ORM call while Playwright runs."""

import pytest
from pytest_django.live_server_helper import LiveServer

from tsunagu.core.wareki import today_jst
from tsunagu.testing.browser import (
    TIMEOUT_MS,
    assert_accessible,
    authenticator_for,
    chromium,
    sign_in,
    sign_in_with_second_factor,
)
from tsunagu.watch.activity import previous_month
from tsunagu.watch.services import activity_record_save

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("audit_triggers_off_for_flush")]

THIS_MONTH = today_jst().replace(day=1)
MONTH = previous_month(THIS_MONTH)


def test_the_activity_pages_pass_axe_core(live_server: LiveServer, ward) -> None:
    activity_record_save(ward.commissioner, MONTH, {"visits": 4, "field_elderly": 1}, "研修に参加", submit=True)
    authenticator = authenticator_for(ward.ward_officer)
    base = live_server.url
    with chromium() as browser:
        phone = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844}).new_page()
        phone.set_default_timeout(TIMEOUT_MS)
        sign_in(phone, base, "commissioner")
        phone.goto(f"{base}/watch/activity/")
        assert_accessible(phone, "the months")
        phone.goto(f"{base}/watch/activity/{MONTH:%Y-%m}/")
        assert phone.get_by_role("button", name="提出を取り消して直す").is_visible()
        assert_accessible(phone, "a submitted record")
        phone.goto(f"{base}/watch/activity/{THIS_MONTH:%Y-%m}/")
        assert_accessible(phone, "the form")
        # Beyond the month's days: the service's message beside the field (the browser's own check lets it pass).
        phone.get_by_label("活動日数").fill("32")
        phone.get_by_role("button", name="下書きを保存する").click()
        phone.wait_for_load_state()
        assert phone.get_by_text("活動日数は、その月の日数").is_visible()
        assert_accessible(phone, "the form with an error")

        staff = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}).new_page()
        staff.set_default_timeout(TIMEOUT_MS)
        sign_in_with_second_factor(staff, base, "ward_officer", authenticator)
        staff.goto(f"{base}/watch/activity/totals/?month={MONTH:%Y-%m}")
        assert staff.get_by_role("columnheader", name="北恩加島小学校区").first.is_visible()
        assert_accessible(staff, "the totals")
