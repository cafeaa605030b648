"""A real browser (Debian's Chromium driven by Playwright) signs in, searches 「たかはし」 and finds 髙橋.

No ORM call may run while Playwright is active: its sync API keeps an event loop in this thread, and Django
refuses database access from there. So each test prepares its data first, browses, then checks the audit log.
"""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.testing import browser
from tsunagu.testing.browser import ARTIFACTS, TIMEOUT_MS, assert_accessible, chromium, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("audit_triggers_off_for_flush")]

def search_for_takahashi(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/people/")
    # A marker that a full page load would wipe: the results must arrive through htmx, not a reload.
    page.evaluate("window.__stillTheSamePage = true")
    # fill() enters the text at once, as an input method commits 「たかはし」; wait for that search's fragment,
    # not an earlier one.
    with page.expect_response(lambda r: "q=%E3%81%9F%E3%81%8B%E3%81%AF%E3%81%97" in r.url and r.ok):
        page.get_by_label("氏名・フリガナ").fill("たかはし")
    results = page.locator("#search-results")
    expect(results.get_by_role("link", name=re.compile("髙橋"))).to_be_visible(timeout=TIMEOUT_MS)
    expect(results.locator("tbody tr")).to_have_count(1)  # only 髙橋, not everyone with a タ in their name
    assert page.evaluate("window.__stillTheSamePage") is True
    assert_accessible(page, "person search with htmx results")


def check_detail_page(page: Page) -> None:
    page.locator("#search-results").get_by_role("link", name=re.compile("髙橋")).click()
    page.wait_for_url(re.compile(r"/people/\d+/$"), timeout=TIMEOUT_MS)
    expect(page.get_by_role("heading", level=1)).to_contain_text("髙橋")
    assert_accessible(page, "person page")


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def test_association_member_finds_takahashi_by_reading(
    live_server: LiveServer, ward: SimpleNamespace, artifacts: Path
) -> None:
    person = ward.people.a1_agreed
    assert person.family_name == "髙橋"  # the registered spelling, which the page must show unchanged

    with chromium() as browser:
        context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{live_server.url}/accounts/login/")
        assert_accessible(page, "sign-in page")
        sign_in(page, live_server.url, "association_member")
        expect(page.get_by_role("heading", level=1)).to_contain_text("こんにちは")
        expect(page.get_by_text("泉尾第一町会の協定")).to_be_visible()
        assert_accessible(page, "home page")

        search_for_takahashi(page, live_server.url)
        check_detail_page(page)
        page.screenshot(path=str(artifacts / "person-detail-desktop.png"), full_page=True)

        # The same search on a 360px-wide phone: nothing may stick out sideways.
        phone = browser.new_context(
            storage_state=context.storage_state(), locale="ja-JP", viewport={"width": 360, "height": 740},
            device_scale_factor=2, is_mobile=True, has_touch=True,
        )
        phone_page = phone.new_page()
        phone_page.set_default_timeout(TIMEOUT_MS)
        search_for_takahashi(phone_page, live_server.url)
        assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        phone_page.screenshot(path=str(artifacts / "person-search-phone-360.png"), full_page=True)

        # Keyboard: on a fresh page the first Tab reaches the skip link, and it shows when focused.
        phone_page.goto(f"{live_server.url}/")
        assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert_accessible(phone_page, "home page on a phone")
        phone_page.screenshot(path=str(artifacts / "home-phone-360.png"), full_page=True)
        phone_page.keyboard.press("Tab")
        assert phone_page.evaluate("document.activeElement.className") == "skip-link"
        expect(phone_page.locator(".skip-link")).to_be_in_viewport()

    searches = AuditEntry.objects.filter(actor_username="association_member", action=AuditAction.SEARCH)
    assert any(person.pk in e.target_ids and "たかはし" in e.query for e in searches)
    assert AuditEntry.objects.filter(
        actor_username="association_member", action=AuditAction.VIEW, target_ids=[person.pk]
    ).exists()


def test_ward_officer_passes_totp_then_finds_takahashi(
    live_server: LiveServer, ward: SimpleNamespace, artifacts: Path
) -> None:
    device = TOTPDevice.objects.create(user=ward.ward_officer, name="スマートフォン", confirmed=True)
    key, step, t0, digits = device.bin_key, device.step, device.t0, device.digits

    with chromium() as browser:
        page = browser.new_page(locale="ja-JP")
        page.set_default_timeout(TIMEOUT_MS)
        sign_in(page, live_server.url, "ward_officer")
        page.wait_for_url(re.compile(r"/accounts/two-factor/"), timeout=TIMEOUT_MS)
        # Before the second factor the person pages stay closed.
        page.goto(f"{live_server.url}/people/")
        assert "/accounts/two-factor/" in page.url
        assert_accessible(page, "two-factor page")

        code = f"{totp(key, step=step, t0=t0, digits=digits):0{digits}d}"
        page.get_by_label("確認コード（6桁の数字）").fill(code)
        page.get_by_role("button", name="確認する").click()
        page.wait_for_url(re.compile(r"/people/"), timeout=TIMEOUT_MS)  # back to where they were going

        menu = page.get_by_role("navigation", name="メインメニュー")
        expect(menu.get_by_role("link", name="監査ログ")).to_be_visible()
        assert_accessible(page, "person search of a ward officer")
        search_for_takahashi(page, live_server.url)
        check_detail_page(page)
        expect(page.get_by_text(ward.people.a1_agreed.resident_number).first).to_be_visible()  # full detail
        page.screenshot(path=str(artifacts / "person-detail-ward-officer.png"), full_page=True)

    assert AuditEntry.objects.filter(
        actor_username="ward_officer", action=AuditAction.VIEW, target_ids=[ward.people.a1_agreed.pk]
    ).exists()


def test_a_missing_chromium_fails_with_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser, "CHROMIUM", Path("/nonexistent/chromium"))

    with pytest.raises(pytest.fail.Exception, match="needs Debian's chromium package"), chromium():
        pass
