"""The supporter's phone page (安否確認) in Chromium on a phone's screen, with its service worker and its queue in
IndexedDB: a 町会 member opens the page of an event over district A, goes offline, records three statuses, reloads
the page while offline (the service worker serves it, the list and the queue come back from the phone), goes
online, and the database holds exactly the three reports — a fourth sent again with one of their ids makes none.
Also: a report the server refuses is set aside and shown without holding back the ones behind it, and the queue
waits through a lost session and is sent once the same user signs in again. The page passes axe-core.

No ORM call while Playwright runs: the data is made first, the database read after."""

import datetime
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tsunagu.disaster.models import DisasterEvent, DisasterKind, SafetyReport
from tsunagu.disaster.services import event_declare
from tsunagu.testing.browser import ARTIFACTS, TIMEOUT_MS, assert_accessible, chromium, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("audit_triggers_off_for_flush")]

PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
SENDING_MS = 30_000
ALL_SENT = "記録はすべて送信しました。"

# The phone's queue, read and written as phone.js keeps it (IndexedDB "tsunagu-disaster-phone", store "queue").
READ_QUEUE = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("tsunagu-disaster-phone", 1);
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const request = open.result.transaction("queue").objectStore("queue").getAll();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  };
})"""
READ_LISTS = READ_QUEUE.replace('"queue"', '"lists"')
CACHE_NAMES = "() => caches.keys()"
ADD_TO_QUEUE = """(entry) => new Promise((resolve, reject) => {
  const open = indexedDB.open("tsunagu-disaster-phone", 1);
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const tx = open.result.transaction("queue", "readwrite");
    tx.objectStore("queue").put(entry);
    tx.oncomplete = () => resolve(true);
    tx.onerror = () => reject(tx.error);
  };
})"""
# What the phone sends, sent once more by hand with the page's session and CSRF token.
RESEND = """async (entry) => {
  const token = document.cookie.split("; ").find((c) => c.startsWith("csrftoken=")).split("=")[1];
  const response = await fetch("/api/disaster/reports/", {
    method: "POST",
    credentials: "same-origin",
    headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token},
    body: JSON.stringify({event_id: entry.event_id, person_id: entry.person_id, status: entry.status,
                          observed_at: entry.observed_at, place: entry.place, note: entry.note,
                          client_id: entry.client_id}),
  });
  return response.status;
}"""


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def event(ward: SimpleNamespace) -> DisasterEvent:
    return event_declare(
        user=ward.ward_officer,
        name="大雨（訓練）",
        kind=DisasterKind.STORM_FLOOD,
        districts=[ward.districts.a],
        started_at=timezone.now() - datetime.timedelta(hours=1),
        is_drill=True,
    )


def open_phone_page(page: Page, base: str, event_id: int) -> None:
    page.goto(f"{base}/disaster/events/{event_id}/phone/")
    expect(page.locator(".phone-person")).to_have_count(4)
    # The service worker has taken the page (it claims it as soon as it is active).
    page.wait_for_function("() => Boolean(navigator.serviceWorker && navigator.serviceWorker.controller)")


def tap(page: Page, person_id: int, status: str) -> None:
    page.locator(f"#phone-person-{person_id}").get_by_role("button", name=status).click()


def test_offline_reports_survive_a_reload_and_reach_the_database_exactly_once(
    live_server: LiveServer, ward: SimpleNamespace, event: DisasterEvent, artifacts: Path
) -> None:
    p = ward.people
    tapped = [p.a1_agreed.pk, p.a1_refused.pk, p.a2_unanswered.pk]
    base = live_server.url
    with chromium() as browser:
        context = browser.new_context(locale="ja-JP", **PHONE)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        sign_in(page, base, "association_member")
        expect(page.get_by_role("heading", level=1)).to_contain_text("こんにちは")
        open_phone_page(page, base, event.pk)
        queue = page.locator("#phone-queue-count")
        expect(queue).to_have_text(ALL_SENT)
        assert_accessible(page, "the phone page")

        context.set_offline(True)
        tap(page, tapped[0], "無事・在宅")
        tap(page, tapped[1], "要救助・要支援")
        tap(page, tapped[2], "避難済")
        expect(queue).to_have_text("送信待ち 3件")
        expect(page.locator("#phone-connection")).to_have_text(
            "オフラインです。記録はこの端末に保存し、通信が戻ると送ります。"
        )

        # Offline, the page comes from the service worker, the list and the queue from the phone.
        response = page.reload()
        assert response is not None and response.from_service_worker
        expect(page.locator(".phone-person")).to_have_count(4)
        expect(queue).to_have_text("送信待ち 3件")
        card = page.locator(f"#phone-person-{tapped[1]}")
        expect(card.locator(".phone-person__status")).to_contain_text("要救助・要支援")
        expect(card.locator(".phone-person__status")).to_contain_text("送信待ち")
        assert_accessible(page, "the phone page offline, with reports waiting")
        page.screenshot(path=str(artifacts / "disaster-phone-offline.png"), full_page=True)
        queued = page.evaluate(READ_QUEUE)
        assert sorted(e["person_id"] for e in queued) == sorted(tapped)

        context.set_offline(False)
        expect(queue).to_have_text(ALL_SENT, timeout=SENDING_MS)
        assert page.evaluate(READ_QUEUE) == []
        resent = page.evaluate(RESEND, queued[0])
        expect(card.locator(".phone-person__status")).not_to_contain_text("送信待ち")

        # Signing out on the phone page takes the list and the kept page off the phone.
        page.get_by_role("button", name="メニュー").click()
        page.get_by_role("button", name="ログアウト").click()
        page.wait_for_url(re.compile(r"/accounts/login/"))
        kept_after_sign_out = page.evaluate(READ_LISTS), page.evaluate(CACHE_NAMES)
        context.close()

    lists, caches = kept_after_sign_out
    assert [(record["persons"], record["forgotten"]) for record in lists] == [([], True)]
    assert [name for name in caches if name.startswith("tsunagu-phone-")] == []
    assert resent == 200  # the same report, not a fourth
    stored = SafetyReport.objects.filter(event=event).order_by("pk")
    assert stored.count() == 3
    assert {str(r.client_id) for r in stored} == {e["client_id"] for e in queued}
    assert {(r.person_id, r.status, r.reported_by_id) for r in stored} == {
        (tapped[0], "safe", ward.association_member.pk),
        (tapped[1], "needs_help", ward.association_member.pk),
        (tapped[2], "evacuated", ward.association_member.pk),
    }


def test_a_refused_report_is_set_aside_and_the_queue_waits_for_the_same_user_to_sign_in_again(
    live_server: LiveServer, ward: SimpleNamespace, event: DisasterEvent, artifacts: Path
) -> None:
    p = ward.people
    user_id = ward.association_member.pk
    base = live_server.url
    refused_id = "00000000-0000-4000-8000-000000000001"
    with chromium() as browser:
        context = browser.new_context(locale="ja-JP", **PHONE)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        sign_in(page, base, "association_member")
        expect(page.get_by_role("heading", level=1)).to_contain_text("こんにちは")
        open_phone_page(page, base, event.pk)

        context.set_offline(True)
        # First in the queue, a report the server will refuse for its content (未確認 is never reported).
        page.evaluate(
            ADD_TO_QUEUE,
            {
                "client_id": refused_id,
                "user_id": user_id,
                "event_id": event.pk,
                "person_id": p.a2_agreed.pk,
                "person_name": "泉尾 太郎",
                "status": "unconfirmed",
                "observed_at": "2030-01-01T00:00:00.000Z",
                "place": "",
                "note": "",
                "created_at": 0,
                "state": "pending",
                "attempts": 0,
                "next_try_at": 0,
                "messages": [],
            },
        )
        tap(page, p.a1_agreed.pk, "不在")
        tap(page, p.a2_unanswered.pk, "無事・在宅")
        expect(page.locator("#phone-queue-count")).to_have_text("送信待ち 3件")

        # The session is lost (expired) while offline: back online, nothing is sent and nothing is dropped.
        context.clear_cookies()
        context.set_offline(False)
        expect(page.get_by_role("link", name="ログインし直す")).to_be_visible(timeout=SENDING_MS)
        expect(page.locator("#phone-queue-count")).to_have_text("送信待ち 3件")

        # The same user signs in again: the queue goes on from where it was.
        sign_in(page, base, "association_member")
        expect(page.get_by_role("heading", level=1)).to_contain_text("こんにちは")
        page.goto(f"{base}/disaster/events/{event.pk}/phone/")
        expect(page.locator("#phone-queue-count")).to_have_text(ALL_SENT, timeout=SENDING_MS)
        refused = page.locator("#phone-refused")
        expect(refused).to_be_visible()
        expect(refused.get_by_role("heading", name="送れなかった記録")).to_be_visible()
        expect(refused).to_contain_text("安否の選択肢にない値です。")
        expect(refused.get_by_role("button", name="削除する")).to_be_visible()
        assert_accessible(page, "the phone page with a report set aside")
        page.screenshot(path=str(artifacts / "disaster-phone-refused.png"), full_page=True)
        left = page.evaluate(READ_QUEUE)
        context.close()

    assert [(e["client_id"], e["state"]) for e in left] == [(refused_id, "refused")]
    stored = SafetyReport.objects.filter(event=event)
    assert {(r.person_id, r.status) for r in stored} == {(p.a1_agreed.pk, "absent"), (p.a2_unanswered.pk, "safe")}
