"""A real browser adds supporter rows to an individual evacuation plan by keyboard: the add button fetches one
empty row in place (htmx), the focus moves into it, what was typed stays, and Enter in a field saves the plan
with every row. Without JavaScript the same button brings the form back with one more row.

As in the other browser tests: no ORM call while Playwright runs."""

import re
from types import SimpleNamespace

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tsunagu.evacuation.models import EvacuationPlan
from tsunagu.testing.browser import TIMEOUT_MS, chromium, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("audit_triggers_off_for_flush")]


def sign_in_with_totp(page: Page, base_url: str, ward: SimpleNamespace, device: dict) -> None:
    sign_in(page, base_url, "ward_officer")
    page.wait_for_url(re.compile(r"/accounts/two-factor/"), timeout=TIMEOUT_MS)
    code = f"{totp(device['key'], step=device['step'], t0=device['t0'], digits=device['digits']):0{device['digits']}d}"
    page.get_by_label("確認コード（6桁の数字）").fill(code)
    page.get_by_role("button", name="確認する").click()
    page.wait_for_url(re.compile(r"/$"), timeout=TIMEOUT_MS)


@pytest.fixture
def device(ward: SimpleNamespace) -> dict:
    made = TOTPDevice.objects.create(user=ward.ward_officer, name="スマートフォン", confirmed=True)
    return {"key": made.bin_key, "step": made.step, "t0": made.t0, "digits": made.digits}


def test_rows_are_added_in_place_by_keyboard_and_saved_with_enter(
    live_server: LiveServer, ward: SimpleNamespace, device: dict
) -> None:
    person = ward.people.a1_agreed
    url = f"{live_server.url}/evacuation/plans/{person.pk}/"

    with chromium() as browser:
        page = browser.new_page(locale="ja-JP", viewport={"width": 1280, "height": 900})
        page.set_default_timeout(TIMEOUT_MS)
        sign_in_with_totp(page, live_server.url, ward, device)
        page.goto(url)
        rows = page.locator("#supporter-rows tr")
        expect(rows).to_have_count(2)
        page.locator("#id_supporters-0-name").fill("鈴木　一郎")
        page.locator("#id_supporters-1-name").fill("佐藤　花子")

        add = page.get_by_role("button", name="支援者の行を追加する")
        add.focus()
        page.keyboard.press("Enter")
        expect(rows).to_have_count(3)
        expect(page.locator("#id_supporters-2-name")).to_be_focused()
        expect(page.locator("#id_supporters-TOTAL_FORMS")).to_have_value("3")
        assert page.url == url  # no reload: the typed rows are still there
        expect(page.locator("#id_supporters-0-name")).to_have_value("鈴木　一郎")
        page.keyboard.type("田中　三郎")

        # Again by keyboard, from the new row: Tab reaches the button, Space presses it.
        add = page.get_by_role("button", name="支援者の行を追加する")
        for _ in range(10):
            page.keyboard.press("Tab")
            if add.evaluate("button => button === document.activeElement"):
                break
        page.keyboard.press("Space")
        expect(rows).to_have_count(4)
        expect(page.locator("#id_supporters-3-name")).to_be_focused()
        expect(page.locator("#id_supporters-TOTAL_FORMS")).to_have_value("4")
        page.keyboard.type("山本　四郎")

        # Enter in a field saves (the form's default button is 「保存する」, not the add button).
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        expect(page.locator(".messages")).to_contain_text("個別避難計画を保存しました。")

    plan = EvacuationPlan.objects.get(person=person)
    assert list(plan.supporters.order_by("id").values_list("name", flat=True)) == [
        "鈴木　一郎",
        "佐藤　花子",
        "田中　三郎",
        "山本　四郎",
    ]


def test_without_javascript_the_button_brings_the_form_back_with_one_more_row(
    live_server: LiveServer, ward: SimpleNamespace, device: dict
) -> None:
    person = ward.people.a1_agreed

    with chromium() as browser:
        context = browser.new_context(locale="ja-JP", java_script_enabled=False)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        sign_in_with_totp(page, live_server.url, ward, device)
        page.goto(f"{live_server.url}/evacuation/plans/{person.pk}/")
        page.locator("#id_supporters-0-name").fill("鈴木　一郎")
        page.get_by_role("button", name="支援者の行を追加する").click()
        page.wait_for_load_state()

        expect(page.locator("#supporter-rows tr")).to_have_count(3)
        expect(page.locator("#id_supporters-0-name")).to_have_value("鈴木　一郎")
        expect(page.locator("#id_supporters-2-name")).to_be_focused()
        page.locator("#id_supporters-2-name").fill("佐藤　花子")
        page.get_by_role("button", name="保存する", exact=True).last.click()
        page.wait_for_load_state()
        expect(page.locator(".messages")).to_contain_text("個別避難計画を保存しました。")

    plan = EvacuationPlan.objects.get(person=person)
    assert list(plan.supporters.order_by("id").values_list("name", flat=True)) == ["鈴木　一郎", "佐藤　花子"]
