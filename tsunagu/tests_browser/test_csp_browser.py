"""A real browser (Debian's Chromium) under the Content-Security-Policy: the home page, the person search (typing
runs an htmx request), the roster map and the shelter map, with tiles from the configured tile server, report no
violation (and pass axe-core, which is injected after each page's reports are read). A last step breaks the
policy on purpose, to show that a violation would have been seen.

The tile server is not reached: Playwright answers its requests with a small PNG, after the browser has checked
them against the policy (the check happens in the page, before any request leaves it).

As in test_search_browser: no ORM call while Playwright runs."""

import base64
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import ConsoleMessage, Page, Route, expect
from pytest_django.live_server_helper import LiveServer

from tsunagu.shelters.models import Shelter
from tsunagu.testing.browser import assert_accessible
from tsunagu.tests_browser.test_search_browser import ARTIFACTS, TIMEOUT_MS, chromium, search_for_takahashi, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("audit_triggers_off_for_flush")]

# A 1×1 transparent PNG, the answer to every tile request.
TILE_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
# Runs in every page before its own scripts: collects the violations the page reports.
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(
    event.effectiveDirective + " blocked " + (event.blockedURI || "inline") + " at " + event.sourceFile + ":" +
    event.lineNumber
  );
});
"""


class Watch:
    """What the browser reported: CSP violations (events and console lines), script errors and tile requests."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.violations: list[str] = []
        self.console: list[str] = []
        self.errors: list[str] = []
        self.tiles: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def serve_tiles(self, route: Route) -> None:
        self.tiles.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=TILE_PNG)

    def collect(self, where: str) -> None:
        """Read the page's list before leaving it (a navigation starts a new one)."""
        self.violations += [f"{where}: {v}" for v in self.page.evaluate("window.__cspViolations")]


def tile_origin() -> str:
    parts = urlsplit(settings.TSUNAGU_MAP_TILE_URL)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


@pytest.fixture
def on_the_maps(ward: SimpleNamespace) -> None:
    """The listed 髙橋 and one shelter have coordinates (the 町会 member sees 髙橋 under the map, not on it)."""
    person = ward.people.a1_agreed
    person.latitude, person.longitude = Decimal("34.662"), Decimal("135.476")
    person.save(update_fields=["latitude", "longitude"])
    Shelter.objects.create(code="S-1", name="泉尾東小学校", latitude=Decimal("34.6625"), longitude=Decimal("135.4765"))


def test_pages_htmx_and_maps_report_no_policy_violation(
    live_server: LiveServer, ward: SimpleNamespace, on_the_maps: None
) -> None:
    origin = tile_origin()
    assert origin, "the default tile server is another site: its host must be in img-src"
    ARTIFACTS.mkdir(exist_ok=True)

    with chromium() as browser:
        context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
        context.add_init_script(COLLECT_VIOLATIONS)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        watch = Watch(page)
        page.route(f"{origin}/**", watch.serve_tiles)

        sign_in(page, live_server.url, "association_member")
        expect(page.get_by_role("heading", level=1)).to_contain_text("こんにちは")
        watch.collect("home")
        assert_accessible(page, "home page")

        search_for_takahashi(page, live_server.url)  # typing runs the search through htmx
        indicator = page.locator("#search-indicator")
        expect(indicator).to_be_hidden()  # styled by tsunagu.css, not by htmx's own style element
        watch.collect("person search")

        for url, markers in (("/map/", 2), ("/shelters/map/", 1)):  # /map/: 髙橋 and the shelter
            page.goto(f"{live_server.url}{url}")
            expect(page.locator(".tsunagu-map path.leaflet-interactive")).to_have_count(markers)
            expect(page.locator(".leaflet-tile-loaded").first).to_be_attached()
            page.locator(".tsunagu-map path.leaflet-interactive").first.dispatch_event("click")
            expect(page.locator(".leaflet-popup-content .map-popup__title")).to_be_visible()
            watch.collect(url)
            assert_accessible(page, f"{url} with a popup open")
        page.screenshot(path=str(ARTIFACTS / "shelter-map-under-csp.png"), full_page=True)

        assert watch.violations == []
        assert watch.console == []
        assert watch.errors == []
        assert watch.tiles, "the maps asked the tile server for no tile"
        assert all(tile.startswith(f"{origin}/") for tile in watch.tiles)

        # The control: an inline style attribute and an inline script are refused and reported.
        page.evaluate(
            """() => {
              const box = document.createElement("div");
              box.innerHTML = '<span style="color: red">x</span>';
              document.body.appendChild(box);
              const script = document.createElement("script");
              script.textContent = "window.__inlineRan = true";
              document.body.appendChild(script);
            }"""
        )
        page.wait_for_function("window.__cspViolations.length >= 2")
        assert page.evaluate("window.__inlineRan === undefined")
        watch.collect("control")
        directives = sorted(v.split(": ", 1)[1].split(" ")[0] for v in watch.violations)
        assert directives == ["script-src-elem", "style-src-attr"]
