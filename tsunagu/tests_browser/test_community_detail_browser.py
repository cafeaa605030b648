"""In a real browser, a 町会 member gets no more than the roster gives (issue 6, item 7): the person search offers
no export, the person page and the roster's why page show no support attributes and no 宛名番号, the map lists
the person under it without a position, and the export address answers with the Japanese 403 page. Every page
passes axe-core.

As in test_search_browser: no ORM call while Playwright runs."""

import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tsunagu.access.policy import CAPABILITIES, Capability
from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.people.models import CareLevel, PhysicalDisabilityType
from tsunagu.roster.models import RosterEntryReason, RosterRule, RuleKind
from tsunagu.shelters.models import Shelter
from tsunagu.testing.browser import ARTIFACTS, TIMEOUT_MS, assert_accessible, chromium, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("audit_triggers_off_for_flush")]

REASON = "本人の申出"
# What the ward holds about 髙橋 beyond the roster's items: none of it may reach the 町会 member's screen.
NOT_FOR_THE_COMMUNITY = (
    "要介護4",
    "視覚障害",
    "2級",
    "ひとり暮らし",
    "難病",
    "宛名番号",
    "世帯番号",
)


@pytest.fixture
def takahashi(ward: SimpleNamespace) -> SimpleNamespace:
    person = ward.people.a1_agreed
    person.care_level = CareLevel.CARE_4
    person.physical_disability_type = PhysicalDisabilityType.VISUAL
    person.physical_disability_grade = 2
    person.lives_alone = True
    person.intractable_disease = True
    person.latitude, person.longitude = Decimal("34.662"), Decimal("135.476")
    person.save()
    rule = RosterRule.objects.create(label=REASON, kind=RuleKind.SELF_REQUEST)
    RosterEntryReason.objects.create(build=ward.roster, person=person, rule=rule, label=REASON)
    Shelter.objects.create(code="S-1", name="泉尾東小学校", latitude=Decimal("34.6625"), longitude=Decimal("135.4765"))
    return SimpleNamespace(pk=person.pk, resident_number=person.resident_number)


def assert_nothing_beyond_the_roster(page: Page, resident_number: str) -> None:
    text = page.locator("body").inner_text()
    for item in (*NOT_FOR_THE_COMMUNITY, resident_number):
        assert item not in text, (page.url, item)


def test_a_neighbourhood_member_sees_the_roster_items_only_and_cannot_export(
    live_server: LiveServer, ward: SimpleNamespace, takahashi: SimpleNamespace
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    artifacts = Path(ARTIFACTS)
    base = live_server.url

    with chromium() as browser:
        page = browser.new_page(locale="ja-JP", viewport={"width": 1280, "height": 900})
        page.set_default_timeout(TIMEOUT_MS)
        sign_in(page, base, "association_member")
        expect(page.get_by_role("heading", level=1)).to_contain_text("こんにちは")

        # The search: results through htmx, and no export button.
        page.goto(f"{base}/people/")
        with page.expect_response(lambda r: "q=" in r.url and r.ok):
            page.get_by_label("氏名・フリガナ").fill("たかはし")
        results = page.locator("#search-results")
        expect(results.get_by_role("link", name=re.compile("髙橋"))).to_be_visible()
        expect(page.get_by_role("link", name="CSV/Excelで出力")).to_have_count(0)
        expect(page.locator('a[href^="/people/export/"]')).to_have_count(0)
        assert_nothing_beyond_the_roster(page, takahashi.resident_number)
        assert_accessible(page, "person search of a 町会 member")

        # The person page: the roster's items, nothing of the ward's support attributes.
        results.get_by_role("link", name=re.compile("髙橋")).click()
        page.wait_for_url(re.compile(rf"/people/{takahashi.pk}/$"))
        expect(page.get_by_role("heading", level=1)).to_contain_text("髙橋")
        expect(page.get_by_role("heading", name="基本情報")).to_be_visible()
        expect(page.get_by_role("heading", name="支援に関する情報")).to_have_count(0)
        expect(page.get_by_text("（名簿の項目）")).to_be_visible()
        assert_nothing_beyond_the_roster(page, takahashi.resident_number)
        assert_accessible(page, "person page of a 町会 member")
        page.screenshot(path=str(artifacts / "person-detail-community.png"), full_page=True)

        # Why listed: the recorded reason, no verdict per rule (they read the support attributes).
        page.get_by_role("link", name="名簿に載っている理由・載っていない理由").click()
        page.wait_for_url(re.compile(rf"/roster/why/{takahashi.pk}/$"))
        expect(page.get_by_text(f"記録された事由：{REASON}")).to_be_visible()
        expect(page.locator("#verdicts-withheld")).to_be_visible()
        assert_nothing_beyond_the_roster(page, takahashi.resident_number)
        assert_accessible(page, "roster why page of a 町会 member")

        # The map: 髙橋 and the shelter are markers (a position is the address drawn on a map); the other listed
        # person has no position yet and is listed under the map. The popup shows the roster's items only.
        page.goto(f"{base}/map/")
        markers = page.locator(".tsunagu-map path.leaflet-interactive")
        expect(markers).to_have_count(2)
        expect(page.locator("#map-unlocated-count")).to_have_text("1")
        markers.first.dispatch_event("click")
        expect(page.locator(".leaflet-popup-content")).to_contain_text("髙橋")
        expect(page.locator(".leaflet-popup-content")).to_contain_text(REASON)
        # Leaflet fades the popup in: check the colours once it is opaque.
        expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")
        assert_nothing_beyond_the_roster(page, takahashi.resident_number)
        assert_accessible(page, "roster map of a 町会 member")
        page.screenshot(path=str(artifacts / "roster-map-community.png"), full_page=True)

        # The export address, typed: the one Japanese refusal page.
        response = page.goto(f"{base}/people/export/")
        assert response is not None and response.status == 403
        expect(page.get_by_role("heading", level=1)).to_have_text("このページは閲覧できません")
        expect(page.locator("#refusal-reason")).to_contain_text(str(CAPABILITIES[Capability.EXPORT_PERSONS].refusal))
        assert_accessible(page, "403 page")
        page.screenshot(path=str(artifacts / "export-refused-community.png"), full_page=True)

    [denied] = AuditEntry.objects.filter(actor_username="association_member", action=AuditAction.DENIED)
    assert denied.detail["capability"] == Capability.EXPORT_PERSONS.value
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()
