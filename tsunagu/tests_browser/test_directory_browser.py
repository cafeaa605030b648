"""The public directory in a browser, without signing in: a resident searches 「親の介護」 from the directory's
first page, chooses their town, and reaches the care plaza that serves it; every public page passes axe-core on a
phone's width (and at 200 % zoom of a laptop's), with no horizontal scrolling.

As in test_search_browser: no ORM call while Playwright runs."""

from types import SimpleNamespace
from typing import Any

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from tsunagu.testing.browser import TIMEOUT_MS, assert_accessible, chromium
from tsunagu.testing.directory import build_directory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("audit_triggers_off_for_flush")]


def assert_no_horizontal_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px"


def test_parents_care_without_login_reaches_the_care_plaza(
    live_server: LiveServer, ward: SimpleNamespace, settings: Any
) -> None:
    settings.TSUNAGU_MAP_TILE_URL = "/static/no-tiles/{z}/{x}/{y}.png"  # the map must not need the network
    directory = build_directory(ward)
    town_b1 = ward.towns.b1.name
    salon_url = f"/directory/services/{directory.salon.uuid}/"

    with chromium() as browser:
        phone = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844}).new_page()
        phone.set_default_timeout(TIMEOUT_MS)
        phone.goto(f"{live_server.url}/directory/")
        assert_accessible(phone, "directory index (phone)")
        assert_no_horizontal_scroll(phone)
        phone.get_by_label("困っていること・探していること").fill("親の介護")
        phone.get_by_label("お住まいの町（わかれば）").select_option(label=town_b1)
        phone.get_by_role("button", name="さがす").click()
        phone.wait_for_url("**/directory/search/**")
        assert_accessible(phone, "search results (phone)")
        assert_no_horizontal_scroll(phone)
        first = phone.locator(".directory-entry").first
        assert "北恩加島ケアプラザ" in first.inner_text()
        first.get_by_role("link", name="北恩加島ケアプラザ").click()
        phone.wait_for_url("**/directory/services/**")
        assert phone.get_by_role("heading", level=1).inner_text() == "北恩加島ケアプラザ"
        assert "06-6552-2222" in phone.content()
        assert_accessible(phone, "care plaza page (phone)")
        assert_no_horizontal_scroll(phone)

        # A search that matches nothing answers kindly with the general windows.
        phone.goto(f"{live_server.url}/directory/search/?q=宇宙旅行")
        assert "ぴったりの窓口が見つかりませんでした" in phone.content()
        assert_accessible(phone, "no-match search (phone)")

        for path in (salon_url, "/directory/map/", f"/directory/?district={ward.districts.a.pk}"):
            phone.goto(f"{live_server.url}{path}")
            phone.wait_for_load_state("networkidle")
            assert_accessible(phone, f"{path} (phone)")
            assert_no_horizontal_scroll(phone)
        # One marker per entry with a public place: three windows at the ward office, the care plaza and the salon
        # at the hall; none for the shelter whose location is hidden, nor for the plaza without a place.
        phone.goto(f"{live_server.url}/directory/map/")
        phone.wait_for_selector(".leaflet-interactive")
        assert phone.locator(".leaflet-interactive").count() == 5

        # 200 % zoom of a 1280 px laptop screen: the layout of a 640 px wide window.
        zoomed = browser.new_context(locale="ja-JP", viewport={"width": 640, "height": 450}, device_scale_factor=2)
        page = zoomed.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{live_server.url}/directory/search/?q=親の介護")
        assert_accessible(page, "search at 200% zoom")
        assert_no_horizontal_scroll(page)
