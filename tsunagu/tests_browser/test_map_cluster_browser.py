"""A real browser opens the roster map of a 町会 whose district has many listed persons: the markers arrive as
compact points and are drawn in clusters (Leaflet.markercluster), each cluster a named button; a click on a
cluster zooms in, a marker's popup fetches that one person's details; the page passes axe-core and reports no
script error.

As in test_search_browser: no ORM call while Playwright runs."""

from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.people.models import ConsentStatus, Person
from tsunagu.testing.browser import ARTIFACTS, TIMEOUT_MS, assert_accessible, chromium, sign_in
from tsunagu.testing.factories import ConsentFactory, PersonFactory
from tsunagu.testing.personas import list_on_roster

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("audit_triggers_off_for_flush")]

NEIGHBOURS = 120


@pytest.fixture
def crowded(ward: SimpleNamespace) -> SimpleNamespace:
    """120 consenting neighbours of 泉尾一丁目 within about 50 m, 140 m from 髙橋; all listed in a new build."""
    takahashi = ward.people.a1_agreed
    takahashi.latitude, takahashi.longitude = Decimal("34.6600"), Decimal("135.4700")
    takahashi.save(update_fields=["latitude", "longitude"])
    neighbours = []
    for n in range(NEIGHBOURS):
        person = PersonFactory(
            town=ward.towns.a1,
            latitude=Decimal("34.6610") + Decimal(n % 11) / 20000,
            longitude=Decimal("135.4710") + Decimal(n // 11) / 20000,
        )
        ConsentFactory(person=person, status=ConsentStatus.AGREED)
        neighbours.append(person)
    list_on_roster([*Person.objects.all()], number=2)
    return SimpleNamespace(ward=ward, takahashi=takahashi)


def test_the_clustered_map_renders_opens_a_marker_and_passes_axe(
    live_server: LiveServer, crowded: SimpleNamespace, settings: Any
) -> None:
    # Tiles from this server (missing files): the test must not need the network.
    settings.TSUNAGU_MAP_TILE_URL = "/static/no-tiles/{z}/{x}/{y}.png"
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(locale="ja-JP", viewport={"width": 1280, "height": 900})
        page.set_default_timeout(TIMEOUT_MS)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(page, live_server.url, "association_member")
        page.goto(f"{live_server.url}/map/")

        clusters = page.locator(".tsunagu-map .marker-cluster")
        expect(clusters.first).to_be_visible()
        label = clusters.first.get_attribute("aria-label")
        assert label and label.startswith("名簿の登載者") and label.endswith("人（拡大して表示）"), label
        # Every listed person with a position (髙橋 too; a2 has none, listed under the map) is in a cluster or
        # drawn alone, and most are in clusters. Waited for: the map settles after its first zoom.
        page.wait_for_function(
            """expected => {
              const clusters = [...document.querySelectorAll(".tsunagu-map .marker-cluster")];
              const inClusters = clusters.reduce((sum, el) => sum + Number(el.textContent), 0);
              const singles = document.querySelectorAll(".tsunagu-map path.leaflet-interactive").length;
              return inClusters + singles === expected && inClusters > singles;
            }""",
            arg=NEIGHBOURS + 1,
        )
        singles = page.locator(".tsunagu-map path.leaflet-interactive").count()
        page.wait_for_timeout(300)
        assert_accessible(page, "clustered roster map")
        page.screenshot(path=str(ARTIFACTS / "roster-map-clusters.png"), full_page=True)

        # A click on a cluster zooms in: more of the crowd is drawn as single markers.
        clusters.first.click()
        expect(page.locator(".tsunagu-map path.leaflet-interactive")).not_to_have_count(singles)

        # 髙橋 stands apart, south-west of the crowd: an unclustered marker whose popup fetches the details.
        page.goto(f"{live_server.url}/map/")
        expect(page.locator(".tsunagu-map .marker-cluster").first).to_be_visible()
        single = page.locator(".tsunagu-map path.leaflet-interactive")
        expect(single.first).to_be_attached()
        single.first.dispatch_event("click")
        popup = page.locator(".leaflet-popup-content")
        expect(popup).to_contain_text("髙橋")
        expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")
        assert_accessible(page, "clustered roster map with a popup open")
        assert errors == []

    views = AuditEntry.objects.filter(action=AuditAction.VIEW, detail__view="roster_map_marker")
    assert list(views.values_list("target_ids", flat=True)) == [[crowded.takahashi.pk]]
    lists = AuditEntry.objects.filter(action=AuditAction.LIST, detail__view="roster_map_points")
    assert crowded.takahashi.pk in lists.first().target_ids


@pytest.fixture
def spread(ward: SimpleNamespace) -> SimpleNamespace:
    """121 consenting persons of 泉尾一丁目 on a grid about 500 m apart (5 km across), all listed."""
    for n in range(121):
        person = PersonFactory(
            town=ward.towns.a1,
            latitude=Decimal("34.6400") + Decimal(n % 11) / 200,
            longitude=Decimal("135.4500") + Decimal(n // 11) / 200,
        )
        ConsentFactory(person=person, status=ConsentStatus.AGREED)
    list_on_roster([*Person.objects.all()], number=2)
    return ward


def test_a_view_with_too_many_persons_asks_to_zoom_in_then_loads_the_area_in_view(
    live_server: LiveServer, spread: SimpleNamespace, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tsunagu.portal.selectors import map_points

    monkeypatch.setattr(map_points, "MAX_POINTS", 30)  # a city at a low zoom, in small
    settings.TSUNAGU_MAP_TILE_URL = "/static/no-tiles/{z}/{x}/{y}.png"
    with chromium() as browser:
        page = browser.new_page(locale="ja-JP", viewport={"width": 800, "height": 700})
        page.set_default_timeout(TIMEOUT_MS)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(page, live_server.url, "association_member")
        # The first answer (no bounds) fits the map to the ward; that move asks for the area in view.
        with page.expect_response(lambda response: "bbox=" in response.url) as answered:
            page.goto(f"{live_server.url}/map/")
        expect(page.locator("#map-status")).to_contain_text("地図を拡大してください")
        assert page.locator(".tsunagu-map .marker-cluster, .tsunagu-map path.leaflet-interactive").count() == 0
        zoom_in = page.get_by_role("button", name="Zoom in")
        # Each zoom asks for the (padded) area in view, until it holds few enough persons. The loop follows the
        # answers themselves, not the status line: on a busy machine an answer can come after a fixed wait.
        for _ in range(8):
            answer = answered.value
            if not answer.json()["tooMany"]:
                break
            zoom = _asked_zoom(answer.url)
            with page.expect_response(
                lambda response, zoom=zoom: "bbox=" in response.url and _asked_zoom(response.url) == zoom + 1
            ) as answered:
                zoom_in.click()
        expect(page.locator(".tsunagu-map path.leaflet-interactive").first).to_be_attached()
        expect(page.locator("#map-status")).to_have_text("")
        assert_accessible(page, "roster map zoomed in")
        assert errors == []

    asked = AuditEntry.objects.filter(action=AuditAction.LIST, detail__view="roster_map_points").order_by("seq")
    boxes = [entry.detail["bbox"] for entry in asked]
    assert boxes[0] is None and all(boxes[1:])  # the first request has no bounds; the later ones do
    assert 0 < len(asked.last().target_ids) <= 30


def _asked_zoom(url: str) -> int:
    return int(parse_qs(urlsplit(url).query)["zoom"][0])
