"""The roster list in a real browser, at the two sizes it is read at.

- At 1280×900 the ward officer (after the real TOTP step) reads a table: no name, フリガナ or phone number is
  broken over two lines, even beside a long address, 方書 and several reasons (each is measured against one
  line of its own text); the consent column is there, and the consent filter works by keyboard alone.
- At 360×740 the commissioner (民生委員, opt-out) reads one card per person — name, address, a tel: link,
  reasons and the consent state — and nothing scrolls sideways.

As in test_search_browser: no ORM call while Playwright runs, so each test prepares its data first, browses,
then checks the audit log."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.people.models import CareLevel, ConsentStatus, PhysicalDisabilityType
from tsunagu.roster.models import RosterEntryReason, RosterRule, RuleKind
from tsunagu.testing.browser import ARTIFACTS, TIMEOUT_MS, chromium, sign_in
from tsunagu.testing.factories import ConsentFactory, PersonFactory
from tsunagu.testing.personas import list_on_roster

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("audit_triggers_off_for_flush")]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
RULES = ("要介護3以上", "身体障害者手帳1・2級", "75歳以上のひとり暮らし")

# How many lines a cell's text takes: the height of its text against the height of one line of that text.
LINES = """element => {
  const range = document.createRange();
  range.selectNodeContents(element);
  const height = range.getBoundingClientRect().height;
  const style = getComputedStyle(element);
  const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.7;
  return height / line;
}"""


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def roster(ward: SimpleNamespace) -> SimpleNamespace:
    """Build 2: everyone of the small ward, and two persons whose rows are as wide as rows get — long names,
    a long address with its 方書, three reasons and several support attributes."""
    long_a = PersonFactory(
        town=ward.towns.a1,
        family_name="勅使河原",
        given_name="由美子",
        family_name_kana="テシガワラ",
        given_name_kana="ユミコ",
        address="23番45号",
        address_extra="泉尾グランドハイツ東館1203号室",
        phone="06-6552-1234",
        care_level=CareLevel.CARE_4,
        physical_disability_type=PhysicalDisabilityType.LIMB,
        physical_disability_grade=1,
        lives_alone=True,
    )
    long_b = PersonFactory(
        town=ward.towns.b1,
        family_name="長谷川",
        given_name="喜代三郎",
        family_name_kana="ハセガワ",
        given_name_kana="キヨサブロウ",
        address="12番3-1101号",
        address_extra="北恩加島リバーサイドマンション北棟",
        phone="090-1234-5678",
        care_level=CareLevel.CARE_5,
        lives_alone=True,
        elderly_only_household=True,
    )
    ConsentFactory(person=long_a, status=ConsentStatus.AGREED)
    persons = [*vars(ward.people).values(), long_a, long_b]
    build = list_on_roster(persons, number=2)
    rules = [RosterRule.objects.create(label=label, kind=RuleKind.SELF_REQUEST) for label in RULES]
    RosterEntryReason.objects.bulk_create(
        RosterEntryReason(build=build, person=p, rule=rule, label=rule.label)
        for p in persons
        for rule in (rules if p in (long_a, long_b) else rules[:1])
    )
    return SimpleNamespace(build=build, long_a=long_a, long_b=long_b, persons=persons)


def pass_totp(page: Page, base_url: str, device: SimpleNamespace) -> None:
    sign_in(page, base_url, "ward_officer")
    page.wait_for_url(re.compile(r"/accounts/two-factor/"), timeout=TIMEOUT_MS)
    code = f"{totp(device.key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"
    page.get_by_label("確認コード（6桁の数字）").fill(code)
    page.get_by_role("button", name="確認する").click()
    page.wait_for_url(re.compile(r"/$"), timeout=TIMEOUT_MS)


def line_counts(page: Page, selector: str) -> list[float]:
    return page.locator(selector).evaluate_all(f"elements => elements.map({LINES})")


def test_ward_officer_reads_a_table_at_1280_and_filters_by_consent_with_the_keyboard(
    live_server: LiveServer, ward: SimpleNamespace, roster: SimpleNamespace, artifacts: Path
) -> None:
    totp_device = TOTPDevice.objects.create(user=ward.ward_officer, name="スマートフォン", confirmed=True)
    device = SimpleNamespace(
        key=totp_device.bin_key, step=totp_device.step, t0=totp_device.t0, digits=totp_device.digits
    )
    refused = {ward.people.a1_refused.pk, ward.people.b1_refused.pk}

    with chromium() as browser:
        page = browser.new_page(locale="ja-JP", viewport=DESKTOP)
        page.set_default_timeout(TIMEOUT_MS)
        pass_totp(page, live_server.url, device)
        page.goto(f"{live_server.url}/roster/")
        table = page.locator("#roster-table")
        expect(table.locator("tbody tr")).to_have_count(len(roster.persons))
        expect(page.get_by_role("columnheader", name="同意")).to_be_visible()
        expect(page.get_by_role("columnheader", name="支援に関する情報")).to_be_visible()
        assert table.locator("tbody tr").first.evaluate("row => getComputedStyle(row).display") == "table-row"

        # Names, フリガナ and phone numbers each keep to one line; the long address, 方書 and reasons wrap.
        names = line_counts(page, "#roster-table td.roster-name a")
        kana = line_counts(page, "#roster-table .roster-kana")
        phones = line_counts(page, "#roster-table td.roster-phone a")
        assert len(names) == len(kana) == len(phones) == len(roster.persons)
        assert max(names) < 1.5, names
        assert max(kana) < 1.5, kana
        assert max(phones) < 1.5, phones
        expect(table.get_by_role("link", name="勅使河原　由美子", exact=True)).to_be_visible()
        expect(table.get_by_role("link", name="090-1234-5678")).to_have_attribute("href", "tel:090-1234-5678")
        page.screenshot(path=str(artifacts / "roster-list-1280-ward-officer.png"), full_page=True)

        # Keyboard only: from the district filter, Tab to 同意の状況, choose 不同意 with the arrow keys, Tab to
        # the button and press Enter.
        page.get_by_label("地区").focus()
        page.keyboard.press("Tab")
        expect(page.get_by_label("町丁目")).to_be_focused()
        page.keyboard.press("Tab")
        consent = page.get_by_label("同意の状況")
        expect(consent).to_be_focused()
        for _ in range(3):  # すべて → 同意 → 不同意
            if consent.input_value() == "refused":
                break
            page.keyboard.press("ArrowDown")
        expect(consent).to_have_value("refused")
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="絞り込む")).to_be_focused()
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"consent=refused"), timeout=TIMEOUT_MS)
        expect(table.locator("tbody tr")).to_have_count(len(refused))
        expect(table.locator("td.roster-consent .consent")).to_have_text(["不同意", "不同意"])
        expect(page.get_by_label("同意の状況")).to_have_value("refused")
        page.screenshot(path=str(artifacts / "roster-list-1280-consent-refused.png"), full_page=True)

    first, filtered = AuditEntry.objects.filter(actor_username="ward_officer", action=AuditAction.LIST).order_by("seq")
    assert set(first.target_ids) == {p.pk for p in roster.persons}
    assert (set(filtered.target_ids), filtered.query) == (refused, "consent=refused")


def test_commissioner_reads_cards_at_360_without_sideways_scrolling(
    live_server: LiveServer, ward: SimpleNamespace, roster: SimpleNamespace, artifacts: Path
) -> None:
    # The commissioner's 担当区域 is district B, under opt-out: everyone there except those who refused.
    expected = [ward.people.b1_agreed, ward.people.b1_unanswered, roster.long_b]

    with chromium() as browser:
        context = browser.new_context(locale="ja-JP", **PHONE)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        sign_in(page, live_server.url, "commissioner")
        expect(page.get_by_role("heading", level=1)).to_contain_text("こんにちは")
        page.goto(f"{live_server.url}/roster/")
        cards = page.locator("#roster-table tbody tr")
        expect(cards).to_have_count(len(expected))

        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert cards.evaluate_all("rows => rows.map(r => getComputedStyle(r).display)") == ["flex"] * len(expected)
        # Every card inside the screen; the header row is for screen readers only.
        assert cards.evaluate_all("rows => rows.every(r => r.getBoundingClientRect().right <= window.innerWidth)")
        assert page.locator("#roster-table thead").evaluate("h => h.getBoundingClientRect().height") <= 1

        card = cards.filter(has_text="長谷川")
        expect(card.get_by_role("link", name="長谷川　喜代三郎", exact=True)).to_be_visible()
        expect(card.locator("td.roster-address")).to_contain_text("北恩加島一丁目12番3-1101号")
        expect(card.locator("td.roster-address")).to_contain_text("北恩加島リバーサイドマンション北棟")
        phone = card.get_by_role("link", name="090-1234-5678")
        expect(phone).to_have_attribute("href", "tel:090-1234-5678")
        assert phone.evaluate("a => a.getBoundingClientRect().height") >= 44  # a thumb's tap target
        expect(card.locator("td.roster-reasons")).to_contain_text("要介護3以上、身体障害者手帳1・2級")
        expect(card.locator("td.roster-consent")).to_contain_text("未回答")
        expect(cards.filter(has_text=ward.people.b1_agreed.given_name).locator("td.roster-consent")).to_contain_text(
            "同意"
        )
        # Community users get the roster's items only: no support column, and no recipients of a consent.
        expect(page.locator("td.roster-support")).to_have_count(0)
        page.screenshot(path=str(artifacts / "roster-list-360-commissioner.png"), full_page=True)

        # The filter offers the commissioner's own district and the states their persons can be in.
        expect(page.get_by_label("地区").locator("option")).to_have_text(["すべての地区", "小学校区：北恩加島小学校区"])
        expect(page.get_by_label("同意の状況").locator("option")).to_have_text(["すべて", "同意", "未回答"])

    [listed] = AuditEntry.objects.filter(actor_username="commissioner", action=AuditAction.LIST)
    assert set(listed.target_ids) == {p.pk for p in expected}
