"""On a 360×740 phone, a commissioner (民生委員) opens the home page and the roster: the header and menu take at
most a fifth of the first screen (148 px), nothing scrolls sideways, and the menu button opens and closes the
menu by keyboard (Tab to it, Enter), telling a screen reader its state with aria-expanded. Without JavaScript
the whole menu is shown instead; on a wide screen the menu is always shown and the button is not.

As in test_search_browser: no ORM call while Playwright runs."""

from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from tsunagu.testing.browser import ARTIFACTS, TIMEOUT_MS, assert_accessible, chromium, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("audit_triggers_off_for_flush")]

PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
# A fifth of the phone's first screen.
HEADER_BUDGET_PX = 740 / 5


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def header_height(page: Page) -> float:
    return page.locator(".site-header").evaluate("header => header.getBoundingClientRect().height")


def fits_the_width(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def signed_in_phone(browser: Browser, base_url: str, **options: object) -> Page:
    context = browser.new_context(locale="ja-JP", **PHONE, **options)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    sign_in(page, base_url, "commissioner")
    expect(page.get_by_role("heading", level=1)).to_contain_text("こんにちは")
    return page


def test_on_a_phone_the_header_is_small_the_page_fits_and_the_menu_opens_by_keyboard(
    live_server: LiveServer, ward: SimpleNamespace, artifacts: Path
) -> None:
    with chromium() as browser:
        page = signed_in_phone(browser, live_server.url)
        menu = page.get_by_role("navigation", name="メインメニュー")
        button = page.get_by_role("button", name="メニュー")

        for path, name in (("/", "home"), ("/roster/", "roster")):
            page.goto(f"{live_server.url}{path}")
            expect(button).to_be_visible()
            expect(button).to_have_attribute("aria-expanded", "false")
            expect(menu).to_be_hidden()
            assert header_height(page) <= HEADER_BUDGET_PX, (path, header_height(page))
            assert fits_the_width(page), path
            assert_accessible(page, f"{path} on a phone")
            page.screenshot(path=str(artifacts / f"phone-360-{name}.png"))
        expect(page.get_by_role("heading", level=1)).to_contain_text("避難行動要支援者名簿")
        page.screenshot(path=str(artifacts / "phone-360-roster-full.png"), full_page=True)

        # Keyboard only, from the top of a fresh page: the skip link, the brand, then the menu button.
        page.goto(f"{live_server.url}/")
        for _ in range(3):
            page.keyboard.press("Tab")
        expect(button).to_be_focused()
        page.keyboard.press("Enter")
        expect(button).to_have_attribute("aria-expanded", "true")
        expect(menu).to_be_visible()
        expect(menu.get_by_role("link", name="要支援者名簿")).to_be_visible()
        expect(page.get_by_role("button", name="English")).to_be_visible()
        expect(page.get_by_role("button", name="ログアウト")).to_be_visible()
        assert fits_the_width(page)
        assert_accessible(page, "the open phone menu")
        page.screenshot(path=str(artifacts / "phone-360-menu-open.png"))

        page.keyboard.press("Enter")  # focus stays on the button
        expect(button).to_have_attribute("aria-expanded", "false")
        expect(menu).to_be_hidden()
        assert header_height(page) <= HEADER_BUDGET_PX

        # Escape from inside the open menu closes it and puts focus back on the button.
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        expect(button).not_to_be_focused()
        page.keyboard.press("Escape")
        expect(button).to_have_attribute("aria-expanded", "false")
        expect(button).to_be_focused()
        expect(menu).to_be_hidden()

        # A tap works as well, and a link in the open menu leads on.
        button.tap()
        menu.get_by_role("link", name="要支援者名簿").tap()
        page.wait_for_url(f"{live_server.url}/roster/")
        expect(menu).to_be_hidden()


def test_without_javascript_the_phone_shows_the_whole_menu(
    live_server: LiveServer, ward: SimpleNamespace, artifacts: Path
) -> None:
    with chromium() as browser:
        signed_in = signed_in_phone(browser, live_server.url)
        state = signed_in.context.storage_state()
        context = browser.new_context(locale="ja-JP", storage_state=state, java_script_enabled=False, **PHONE)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{live_server.url}/roster/")

        menu = page.get_by_role("navigation", name="メインメニュー")
        expect(page.get_by_role("button", name="メニュー")).to_be_hidden()
        expect(menu.get_by_role("link", name="要支援者名簿")).to_be_visible()
        expect(page.get_by_role("button", name="English")).to_be_visible()
        page.screenshot(path=str(artifacts / "phone-360-no-javascript.png"))


def test_on_a_wide_screen_the_menu_is_always_shown(
    live_server: LiveServer, ward: SimpleNamespace, artifacts: Path
) -> None:
    with chromium() as browser:
        page = browser.new_page(locale="ja-JP", viewport={"width": 1280, "height": 900})
        page.set_default_timeout(TIMEOUT_MS)
        sign_in(page, live_server.url, "commissioner")
        expect(page.get_by_role("heading", level=1)).to_contain_text("こんにちは")

        expect(page.get_by_role("button", name="メニュー")).to_be_hidden()
        expect(page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="避難所")).to_be_visible()
        assert_accessible(page, "home page on a wide screen")
        page.screenshot(path=str(artifacts / "desktop-1280-header.png"))
