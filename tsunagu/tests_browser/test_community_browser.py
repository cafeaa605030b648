"""In a real browser, a 町会 member of the district's forum turns an anonymised figure of the watch-over visits
into an area issue and adds an action item to it (issue 10, item 9): the figures page shows counts only, a figure
under 5 as 「x」 with nothing to click; the issue keeps the figure it came from. Every page passes axe-core.

As in test_search_browser: no ORM call while Playwright runs."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from tsunagu.community.models import ActionItem, AreaIssue, IssueSource, MemberRole
from tsunagu.community.services import forum_create, member_add
from tsunagu.testing.browser import TIMEOUT_MS, assert_accessible, chromium, sign_in
from tsunagu.watch.models import ConcernTag, WatchAssignment, WatchVisit

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("audit_triggers_off_for_flush")]


@pytest.fixture
def forum_with_figures(ward: SimpleNamespace) -> SimpleNamespace:
    forum = forum_create(ward.shakyo_coordinator, district=ward.districts.a, name="泉尾 話し合いの場")
    member_add(ward.shakyo_coordinator, forum, role=MemberRole.NEIGHBOURHOOD, organisation=ward.orgs.association)
    member_add(ward.shakyo_coordinator, forum, role=MemberRole.SHAKYO, organisation=ward.orgs.shakyo)
    person = ward.people.a1_agreed
    assignment = WatchAssignment.objects.create(
        person=person, organisation=ward.orgs.association, watcher=ward.association_member,
        created_by=ward.association_member,
    )
    # 孤立 in 7 visits (shown), 食事 in 2 (hidden: under 5).
    for day, tag in enumerate([ConcernTag.ISOLATION] * 7 + [ConcernTag.MEALS] * 2, start=1):
        WatchVisit.objects.create(
            assignment=assignment, person=person, recorded_by=ward.association_member,
            observed_at=timezone.now() - datetime.timedelta(days=day), method="visit", outcome="concern",
            concerns=[tag],
        )
    return SimpleNamespace(forum=forum, owner=ward.orgs.association.pk)


def test_a_member_turns_a_concern_figure_into_an_issue_and_an_action(
    live_server: LiveServer, forum_with_figures: SimpleNamespace
) -> None:
    base = live_server.url
    with chromium() as browser:
        page = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}).new_page()
        page.set_default_timeout(TIMEOUT_MS)
        sign_in(page, base, "association_member")
        page.goto(f"{base}/community/")
        page.get_by_role("link", name="泉尾 話し合いの場").click()
        expect(page.get_by_role("heading", name="泉尾 話し合いの場", level=1)).to_be_visible()
        assert_accessible(page, "forum board")

        page.get_by_role("link", name="地域の集計から課題を作る").click()
        expect(page.get_by_role("heading", name="地域の集計", level=1)).to_be_visible()
        assert_accessible(page, "figures")
        meals = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="食事", exact=True))
        expect(meals.get_by_role("cell").nth(1)).to_have_text("x")  # 区分, 件数, 課題にする
        expect(page.get_by_role("link", name="「食事」を課題にする")).to_have_count(0)
        page.get_by_role("link", name="「孤立」を課題にする").click()

        expect(page.get_by_text("もとにする集計：「孤立」7件")).to_be_visible()
        expect(page.get_by_label("課題:", exact=True)).to_have_value(re.compile(r"^見守りで気になること「孤立」が7件"))
        assert_accessible(page, "new issue from a figure")
        page.get_by_label("課題:", exact=True).fill("孤立しがちなひとり暮らしの方が増えている")
        page.get_by_label("孤立", exact=True).check()
        page.get_by_role("button", name="課題として登録する").click()

        expect(page.get_by_role("heading", name="孤立しがちなひとり暮らしの方が増えている", level=1)).to_be_visible()
        assert_accessible(page, "issue")
        page.get_by_label("取組:", exact=True).fill("男性向けの居場所づくり")
        page.get_by_label("担当団体:", exact=True).select_option(str(forum_with_figures.owner))
        page.get_by_label("期限:", exact=True).fill("2099-03-31")
        page.get_by_role("button", name="取組を登録する").click()

        expect(page.get_by_role("heading", name="男性向けの居場所づくり", level=1)).to_be_visible()
        assert_accessible(page, "action")

    issue = AreaIssue.objects.get(forum=forum_with_figures.forum)
    assert issue.title == "孤立しがちなひとり暮らしの方が増えている" and issue.tags == ["isolation"]
    assert issue.source == IssueSource.WATCH
    assert (issue.source_figure["key"], issue.source_figure["count"]) == ("isolation", 7)
    action = ActionItem.objects.get(issue=issue)
    assert action.title == "男性向けの居場所づくり" and action.owner_id == forum_with_figures.owner
    assert action.due_on == datetime.date(2099, 3, 31)
    assert issue.status == "acting"
