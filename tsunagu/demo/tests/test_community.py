"""The demo ward's district forums: one per 小学校区 with a year of meetings (the latest a 見守り活動報告会 with
its figures), tagged area issues linked to meetings and nested actions; the demo's 町会 and 民生委員 logins are
members; the same seed gives the same forums."""

import datetime

import pytest

from tsunagu.accounts.models import User
from tsunagu.community.models import ActionItem, AreaIssue, Forum, Meeting, MeetingKind
from tsunagu.community.selectors import action_tree, member_forums
from tsunagu.demo.ward import MIN_SIZE, generate_ward

pytestmark = pytest.mark.django_db

REFERENCE_DAY = datetime.date(2026, 6, 1)


def _forums() -> list[tuple]:
    meetings = Meeting.objects.order_by("forum__district__code", "held_on", "pk")
    return [
        list(Forum.objects.order_by("district__code").values_list("district__code", "name", "is_public")),
        [(m.forum.district.code, m.held_on, m.kind, m.place, m.guests, m.attendees.count(), m.figures.get("figures"))
         for m in meetings],
        [(i.forum.district.code, i.title, i.tags, [m.held_on for m in i.meetings.order_by("held_on")])
         for i in AreaIssue.objects.order_by("forum__district__code", "title")],
        list(ActionItem.objects.order_by("forum__district__code", "title").values_list(
            "forum__district__code", "title", "owner__name", "parent__title", "status", "progress", "due_on"
        )),
    ]  # fmt: skip


def test_demo_forums_for_every_school_district():
    generate_ward(size=MIN_SIZE, today=REFERENCE_DAY)
    forums = Forum.objects.all()
    assert forums.count() == 10
    for forum in forums:
        meetings = list(forum.meetings.order_by("held_on"))
        assert len(meetings) == 6
        assert meetings[0].held_on >= REFERENCE_DAY - datetime.timedelta(days=366)
        assert meetings[-1].held_on < REFERENCE_DAY
        assert meetings[-1].kind == MeetingKind.WATCH_REPORT and "figures" in meetings[-1].figures
        assert forum.members.filter(left_on__isnull=True).count() >= 4
        issues = list(forum.issues.all())
        assert len(issues) >= 3 and all(i.tags and i.meetings.exists() for i in issues)
    trees = action_tree(list(ActionItem.objects.select_related("owner")))
    with_children = [n for n in trees if n.children]
    assert with_children and any(0 < n.progress < 100 for n in with_children)
    assert ActionItem.objects.filter(updates__isnull=False).exists()
    for username in ("chonaikai", "minsei"):
        assert member_forums(User.objects.get(username=username)).exists(), username


def test_the_same_seed_gives_the_same_forums():
    generate_ward(size=MIN_SIZE, today=REFERENCE_DAY, seed=3)
    first = _forums()
    generate_ward(size=MIN_SIZE, today=REFERENCE_DAY, seed=3, replace=True)
    assert _forums() == first
