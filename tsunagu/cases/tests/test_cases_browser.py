"""The case pages in a browser pass axe-core's WCAG 2.1 A/AA rules: the worker's lists with their menu counts, the
intake (also with errors), a case with its team, consent and referral forms, and a referral with its answers; the
outreach worklist, an item and the flagging form (with errors), the case timeline, the caseload dashboard and the
area issues with their charts and tables.

No ORM call while Playwright runs."""

import pytest
from pytest_django.live_server_helper import LiveServer

from tsunagu.cases.services import outreach_create, referral_create
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
