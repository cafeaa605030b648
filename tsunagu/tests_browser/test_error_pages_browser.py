"""In a real browser: a 町会 member guessing `/people/41802/` on a phone gets the friendly 404 page (in English
after choosing English), an htmx request that meets a 404 shows a short message instead of painting a page
inside the page, and the 500 page keeps its look while the database is down.

As in test_search_browser: no ORM call while Playwright runs."""

from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tsunagu.testing.browser import ARTIFACTS, TIMEOUT_MS, assert_accessible, chromium, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("audit_triggers_off_for_flush")]

PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def phone_page(browser, base_url: str, username: str) -> Page:  # noqa: ANN001
    page = browser.new_context(locale="ja-JP", **PHONE).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    sign_in(page, base_url, username)
    expect(page.get_by_role("heading", level=1)).to_contain_text("こんにちは")
    return page


def test_a_guessed_person_address_gives_the_friendly_404_in_japanese_then_english(
    live_server: LiveServer, ward: SimpleNamespace, artifacts: Path
) -> None:
    with chromium() as browser:
        page = phone_page(browser, live_server.url, "association_member")

        response = page.goto(f"{live_server.url}/people/41802/")
        assert response is not None and response.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text("ページが見つかりません")
        expect(page.get_by_text("URLconf")).to_have_count(0)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert_accessible(page, "404 page")
        page.screenshot(path=str(artifacts / "error-404-phone-360.png"), full_page=True)

        # The language switch sits in the phone menu; choosing English reloads the same address.
        page.get_by_role("button", name="メニュー").click()
        page.get_by_role("button", name="English").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        assert_accessible(page, "404 page in English")
        page.screenshot(path=str(artifacts / "error-404-english-phone-360.png"), full_page=True)


def test_an_htmx_request_that_meets_a_404_shows_a_message_not_a_page(
    live_server: LiveServer, ward: SimpleNamespace, artifacts: Path
) -> None:
    with chromium() as browser:
        page = phone_page(browser, live_server.url, "association_member")
        page.goto(f"{live_server.url}/people/")
        # A fragment request for a person that is not there, as a stale result link would make.
        page.evaluate(
            """() => {
                const link = document.createElement("button");
                link.id = "stale"; link.textContent = "stale";
                link.setAttribute("hx-get", "/people/41802/");
                link.setAttribute("hx-target", "#search-results");
                document.querySelector("main").append(link);
                htmx.process(link);
            }"""
        )
        before = page.locator("#search-results").inner_html()
        with page.expect_response(lambda r: r.url.endswith("/people/41802/") and r.status == 404):
            page.locator("#stale").click()

        message = page.locator("#htmx-messages [role=alert]")
        expect(message).to_contain_text("お探しの情報は見つかりませんでした")
        assert page.locator("#search-results").inner_html() == before
        expect(page.locator(".site-header")).to_have_count(1)  # no page painted inside the page
        assert_accessible(page, "person search with the htmx error message")
        page.screenshot(path=str(artifacts / "error-404-htmx-phone-360.png"))


def test_the_500_page_keeps_its_look_while_the_database_is_down(
    live_server: LiveServer, ward: SimpleNamespace, artifacts: Path
) -> None:
    with chromium() as browser:
        page = phone_page(browser, live_server.url, "association_member")

        # The live server runs in this process: from here on every query fails, as if PostgreSQL went away.
        with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=OperationalError("the database is down")):
            response = page.goto(f"{live_server.url}/roster/")
            assert response is not None and response.status == 500
            expect(page.get_by_role("heading", level=1)).to_have_text("エラーが発生しました")
            header = page.locator(".site-header")
            expect(header).to_have_css("background-color", "rgb(22, 50, 79)")  # the stylesheet was served
            expect(page.get_by_text("the database is down")).to_have_count(0)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            assert_accessible(page, "500 page")
            page.screenshot(path=str(artifacts / "error-500-phone-360.png"), full_page=True)
