"""A resident without an account, on a phone: finds the district's events, switches ふりがな and やさしい日本語 on,
signs up by keyboard alone, and cancels with the link; on a wide screen at 200% zoom the pages still fit. Every
public events page passes axe-core (no serious or critical violations, as every page of the site: none at all).

As in test_search_browser: no ORM call while Playwright runs."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tsunagu.events.models import Article, EventTranslation, audiences_for
from tsunagu.testing.browser import TIMEOUT_MS, assert_accessible, chromium
from tsunagu.testing.events import make_event

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("audit_triggers_off_for_flush")]

PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
# 200% zoom of a 1280 px window: the page lays out in 640 CSS pixels, at twice the size.
ZOOM_200 = {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2}


def fits_the_width(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def published(ward: SimpleNamespace) -> SimpleNamespace:
    salon = make_event(ward, capacity=3)
    EventTranslation.objects.create(event=salon, language="en", title="Health salon", body="Exercise and tea.")
    festival = make_event(ward, title="こども夏まつり", district=ward.districts.b, capacity=None, signups_open=False)
    festival.audiences.set(audiences_for(["children"]))
    article = Article.objects.create(
        title="防災マップを配布します",
        body="区役所の窓口で配布しています。",
        easy_body="ぼうさいの ちずを くばります。",
        is_published=True,
        published_at=timezone.now() - datetime.timedelta(days=1),
    )
    return SimpleNamespace(salon=salon, festival=festival, article=article, district_a=ward.districts.a.pk)


def test_a_resident_finds_reads_and_signs_up_by_keyboard(live_server: LiveServer, published: SimpleNamespace) -> None:
    base = live_server.url
    with chromium() as browser:
        page = browser.new_context(locale="ja-JP", **PHONE).new_page()
        page.set_default_timeout(TIMEOUT_MS)
        # The public link in every page's footer, from the sign-in page.
        page.goto(f"{base}/accounts/login/")
        page.get_by_role("link", name="地域の行事・お知らせ").click()
        expect(page.get_by_role("heading", name="地域の行事・お知らせ", level=1)).to_be_visible()
        assert_accessible(page, "events list")
        assert fits_the_width(page)

        page.get_by_label("地区").select_option(str(published.district_a))
        page.get_by_role("button", name="絞り込む").click()
        expect(page.get_by_role("link", name="いきいき健康サロン")).to_be_visible()
        expect(page.get_by_role("link", name="こども夏まつり")).to_have_count(0)

        page.get_by_role("link", name="いきいき健康サロン").click()
        assert_accessible(page, "event detail")
        page.get_by_role("link", name="ふりがなをつける").click()
        expect(page.locator("h2 + div ruby").first).to_be_visible()
        page.get_by_role("link", name="やさしい日本語で読む").click()
        expect(page.get_by_text("からだを うごかします", exact=False)).to_be_visible()
        assert_accessible(page, "event detail with ふりがな and やさしい日本語")
        assert fits_the_width(page)

        # Sign up by keyboard alone: focus the link, Enter, type, Tab between fields, Enter to send.
        page.get_by_role("link", name="申し込む").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_contain_text("申込み")
        assert_accessible(page, "sign-up form")
        page.get_by_label("お名前").focus()
        page.keyboard.type("泉尾 花子")
        page.keyboard.press("Tab")
        page.keyboard.type("06-1111-2222")
        page.get_by_role("button", name="申し込む").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="申込の確認")).to_be_visible()
        expect(page.get_by_text("申込済み")).to_be_visible()
        assert_accessible(page, "sign-up status")
        page.get_by_role("button", name="申込を取り消す").click()
        expect(page.get_by_text("申込を取り消しました。")).to_be_visible()

        page.goto(f"{base}/events/news/{published.article.pk}/?ruby=1&easy=1")
        assert_accessible(page, "article")
        page.goto(f"{base}/events/news/")
        assert_accessible(page, "articles")

        zoomed = browser.new_context(locale="ja-JP", **ZOOM_200).new_page()
        zoomed.set_default_timeout(TIMEOUT_MS)
        for address in ("/events/", f"/events/{published.salon.pk}/?ruby=1", f"/events/{published.salon.pk}/signup/"):
            zoomed.goto(f"{base}{address}")
            assert fits_the_width(zoomed), address

        english = browser.new_context(locale="en-GB").new_page()
        english.set_default_timeout(TIMEOUT_MS)
        english.goto(f"{base}/events/{published.salon.pk}/")
        english.get_by_role("button", name="English").click()
        expect(english.get_by_role("heading", name="Health salon")).to_be_visible()
        assert_accessible(english, "event in English")
