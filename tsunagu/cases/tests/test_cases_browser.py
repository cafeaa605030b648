"""The case pages in a browser pass axe-core's WCAG 2.1 A/AA rules: the worker's lists with their menu counts, the
intake (also with errors), a case with its team, consent and referral forms, and a referral with its answers.

No ORM call while Playwright runs."""

import pytest
from pytest_django.live_server_helper import LiveServer

from tsunagu.cases.services import referral_create
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
