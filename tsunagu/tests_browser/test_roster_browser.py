"""A real browser opens the roster (避難行動要支援者名簿): a neighbourhood association sees only the consenting
listed persons of its agreement's districts, and nobody once the agreement has ended; a ward officer, after the
real TOTP step, sees everyone with their reasons.

As in test_search_browser: no ORM call while Playwright runs, so each phase prepares its data first, browses,
and checks the audit log afterwards."""

import datetime
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.roster.models import RosterEntryReason, RosterRule, RuleKind
from tsunagu.testing.browser import ARTIFACTS, TIMEOUT_MS, assert_accessible, chromium, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("audit_triggers_off_for_flush")]

REASON = "要介護3以上"


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def reasons(ward: SimpleNamespace) -> None:
    """The fixture's build lists everyone; give each entry the reason a real build would have recorded."""
    rule = RosterRule.objects.create(label=REASON, kind=RuleKind.CARE_LEVEL, threshold="care_3")
    RosterEntryReason.objects.bulk_create(
        RosterEntryReason(build=ward.roster, person=p, rule=rule, label=rule.label) for p in vars(ward.people).values()
    )


def roster_rows(page: Page, base_url: str) -> list[str]:
    page.goto(f"{base_url}/roster/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("避難行動要支援者名簿")
    expect(page.locator("#roster-summary")).to_be_visible()
    return page.locator("#roster-table tbody tr").all_inner_texts()


def test_association_sees_consenting_persons_then_none_after_the_agreement_ends(
    live_server: LiveServer, ward: SimpleNamespace, reasons: None, artifacts: Path
) -> None:
    shown = [ward.people.a1_agreed, ward.people.a2_agreed]
    hidden = [p for p in vars(ward.people).values() if p not in shown]

    with chromium() as browser:
        page = browser.new_page(locale="ja-JP", viewport={"width": 1280, "height": 900})
        page.set_default_timeout(TIMEOUT_MS)
        sign_in(page, live_server.url, "association_member")
        expect(page.get_by_role("heading", level=1)).to_contain_text("こんにちは")
        rows = roster_rows(page, live_server.url)
        assert len(rows) == 2
        expect(page.locator("#roster-summary")).to_contain_text("2人")
        table = page.locator("#roster-table")
        for person in shown:
            expect(table.get_by_role("link", name=person.full_name, exact=True)).to_be_visible()
        for person in hidden:
            expect(table.get_by_role("link", name=person.full_name, exact=True)).to_have_count(0)
        expect(table).to_contain_text("髙橋")  # the registered spelling, unchanged
        expect(table).to_contain_text(REASON)
        expect(page.get_by_role("columnheader", name="支援に関する情報")).to_have_count(0)
        assert_accessible(page, "roster of a 町会")
        page.screenshot(path=str(artifacts / "roster-association.png"), full_page=True)

    [listed] = AuditEntry.objects.filter(actor_username="association_member", action=AuditAction.LIST)
    assert sorted(listed.target_ids) == sorted(p.pk for p in shown)
    assert not set(listed.target_ids) & {p.pk for p in hidden}

    # Second phase: the agreement ended yesterday. Changed before the browser starts again.
    agreement = ward.agreements.association
    agreement.valid_to = timezone.localdate() - datetime.timedelta(days=1)
    agreement.save(update_fields=["valid_to"])

    with chromium() as browser:
        page = browser.new_page(locale="ja-JP")
        page.set_default_timeout(TIMEOUT_MS)
        sign_in(page, live_server.url, "association_member")
        expect(page.get_by_role("heading", level=1)).to_contain_text("こんにちは")
        assert roster_rows(page, live_server.url) == []
        expect(page.locator("#roster-summary")).to_contain_text("0人")
        expect(page.get_by_text("髙橋")).to_have_count(0)
        assert_accessible(page, "empty roster")

    last = AuditEntry.objects.filter(actor_username="association_member", action=AuditAction.LIST).order_by("-seq")
    assert last.first().target_ids == []


def test_ward_officer_passes_totp_then_sees_everyone_with_reasons(
    live_server: LiveServer, ward: SimpleNamespace, reasons: None, artifacts: Path
) -> None:
    device = TOTPDevice.objects.create(user=ward.ward_officer, name="スマートフォン", confirmed=True)
    key, step, t0, digits = device.bin_key, device.step, device.t0, device.digits
    everyone = list(vars(ward.people).values())

    with chromium() as browser:
        page = browser.new_page(locale="ja-JP", viewport={"width": 1280, "height": 900})
        page.set_default_timeout(TIMEOUT_MS)
        sign_in(page, live_server.url, "ward_officer")
        page.wait_for_url(re.compile(r"/accounts/two-factor/"), timeout=TIMEOUT_MS)
        # Before the second factor the roster stays closed.
        page.goto(f"{live_server.url}/roster/")
        assert "/accounts/two-factor/" in page.url
        assert_accessible(page, "two-factor page")

        code = f"{totp(key, step=step, t0=t0, digits=digits):0{digits}d}"
        page.get_by_label("確認コード（6桁の数字）").fill(code)
        page.get_by_role("button", name="確認する").click()
        page.wait_for_url(re.compile(r"/roster/$"), timeout=TIMEOUT_MS)  # back to where they were going

        rows = page.locator("#roster-table tbody tr").all_inner_texts()
        assert len(rows) == len(everyone)
        assert all(REASON in row for row in rows)
        expect(page.get_by_role("columnheader", name="支援に関する情報")).to_be_visible()
        assert_accessible(page, "roster of a ward officer")

        # Why is 髙橋 listed: the page names the build and the recorded reason.
        page.get_by_role("link", name=re.compile("髙橋")).click()
        page.wait_for_url(re.compile(r"/roster/why/\d+/$"), timeout=TIMEOUT_MS)
        expect(page.locator("#listed-status")).to_contain_text("登載されています")
        expect(page.get_by_text(f"記録された事由：{REASON}")).to_be_visible()
        assert_accessible(page, "roster why page")
        page.screenshot(path=str(artifacts / "roster-why-ward-officer.png"), full_page=True)

    [listed] = AuditEntry.objects.filter(actor_username="ward_officer", action=AuditAction.LIST)
    assert sorted(listed.target_ids) == sorted(p.pk for p in everyone)
    assert AuditEntry.objects.filter(
        actor_username="ward_officer", action=AuditAction.VIEW, target_ids=[ward.people.a1_agreed.pk]
    ).exists()
