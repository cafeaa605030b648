"""District forums: membership decides who sees a forum; issues refuse personal data; merge/split keep history;
a parent action's progress is the mean of its children; a 見守り活動報告会 carries the suppressed watch figures;
the public page shows only what was published; the API reads and creates."""

import datetime

import pytest
from django.utils import timezone

from tsunagu.access.policy import CapabilityDenied
from tsunagu.audit.models import AuditEntry
from tsunagu.community.models import ActionStatus, Forum, IssueStatus, MeetingKind, MemberRole
from tsunagu.community.selectors import action_tree, member_forums
from tsunagu.community.services import (
    CommunityError,
    action_create,
    action_update,
    find_personal_data,
    forum_create,
    issue_create,
    issue_from_figure,
    issue_merge,
    issue_split,
    meeting_create,
    member_add,
)
from tsunagu.testing.accounts import token_client
from tsunagu.watch.models import WatchAssignment, WatchVisit


@pytest.fixture
def forum(ward):
    f = forum_create(ward.shakyo_coordinator, district=ward.districts.a, name="泉尾 話し合いの場")
    member_add(ward.shakyo_coordinator, f, role=MemberRole.NEIGHBOURHOOD, organisation=ward.orgs.association)
    member_add(ward.shakyo_coordinator, f, role=MemberRole.SHAKYO, organisation=ward.orgs.shakyo)
    return f


def test_only_staff_create_forums_and_members_see_theirs(ward, forum):
    with pytest.raises(CapabilityDenied):
        forum_create(ward.association_member, district=ward.districts.b, name="x")
    assert list(member_forums(ward.association_member)) == [forum]
    assert list(member_forums(ward.unagreed_member)) == []
    assert list(member_forums(ward.shakyo_coordinator)) == [forum]


def test_pages_for_members_404_for_others(client, ward, forum):
    client.force_login(ward.association_member)
    page = client.get(f"/community/{forum.pk}/")
    assert page.status_code == 200
    assert "泉尾第一町会" in page.content.decode()  # the member list, for members
    client.force_login(ward.unagreed_member)
    assert client.get(f"/community/{forum.pk}/").status_code == 404
    assert AuditEntry.objects.filter(action="denied", target_type="forum").exists()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("髙橋{given}さんが買い物に困っている", "name"),
        ("宛名番号123456789の方", "resident_number"),
        ("連絡先は06-6555-0101です", "phone"),
        ("泉尾1丁目2番3号の家", "address"),
        ("泉尾一丁目5-8のあたり", "address"),
        ("昭和15年5月3日生まれの方", "birth_date"),
        ("1940年5月3日生の方", "birth_date"),
    ],
)
def test_each_kind_of_personal_data_is_refused(ward, forum, text, kind):
    text = text.format(given=ward.people.a1_agreed.given_name)
    assert kind in {f.kind for f in find_personal_data(text)}
    with pytest.raises(CommunityError) as error:
        issue_create(ward.association_member, forum, title="買い物", description=text)
    assert "保存できません" in error.value.messages[0]
    assert not forum.issues.exists()


def test_reading_of_a_full_name_is_refused_but_a_surname_alone_is_not(ward, forum):
    person = ward.people.a1_agreed
    assert find_personal_data(f"{person.family_name_kana}{person.given_name_kana}さん")
    assert find_personal_data("高橋さんのお宅の前の道が暗い") == []
    assert find_personal_data("2025年4月10日の会議で話しました。泉尾一丁目のあたり、1番目の課題") == []


def test_form_shows_what_was_found_and_keeps_the_text(client, ward, forum):
    client.force_login(ward.association_member)
    page = client.post(f"/community/{forum.pk}/issues/new/", {"title": "見守り", "description": "電話 0665550101"})
    body = page.content.decode()
    assert page.status_code == 200 and "電話番号" in body and "0665550101" in body


def test_merge_and_split_keep_history(ward, forum):
    user = ward.association_member
    a = issue_create(user, forum, title="買い物が不便", tags=["shopping"])
    b = issue_create(user, forum, title="バスが少ない", tags=["mobility"])
    action = action_create(user, forum, title="移動販売を呼ぶ", owner=ward.orgs.association, issue=b)
    issue_merge(user, [b], a)
    b.refresh_from_db()
    a.refresh_from_db()
    assert b.status == IssueStatus.MERGED and b.merged_into == a
    assert a.tags == ["shopping", "mobility"]
    action.refresh_from_db()
    assert action.issue == a
    part = issue_split(user, a, title="バス停までの移動")
    assert part.split_from == a
    assert {e.kind for e in a.events.all()} >= {"created", "merged_from", "split_into"}
    assert b.events.filter(kind="merged_into", other=a).exists()


def test_parent_progress_is_the_mean_of_children(ward, forum):
    user = ward.association_member
    parent = action_create(user, forum, title="買い物支援", owner=ward.orgs.association)
    action_create(user, forum, title="移動販売", owner=ward.orgs.association, parent=parent, progress=50)
    done = action_create(user, forum, title="送迎", owner=ward.orgs.shakyo, parent=parent, progress=10)
    action_update(user, done, note="運行を始めました", status=ActionStatus.DONE)
    (root,) = action_tree(list(forum.actions.all()))
    assert root.progress == 75
    with pytest.raises(CommunityError):
        action_update(user, parent, note="x", progress=30)


def _visits(ward, count, tag):
    assignment = WatchAssignment.objects.create(
        person=ward.people.a1_agreed, organisation=ward.orgs.association, watcher=ward.association_member,
        created_by=ward.association_member,
    )
    for i in range(count):
        WatchVisit.objects.create(
            assignment=assignment, person=ward.people.a1_agreed, recorded_by=ward.association_member,
            observed_at=timezone.now() - datetime.timedelta(days=i + 1), method="visit", outcome="concern",
            concerns=[tag],
        )


def test_watch_report_meeting_attaches_suppressed_figures(ward, forum):
    _visits(ward, 6, "meals")
    meeting = meeting_create(
        ward.association_member, forum,
        data={"kind": MeetingKind.WATCH_REPORT, "title": "見守り活動報告会", "held_on": timezone.localdate()},
    )
    figures = {f["key"]: f["count"] for f in meeting.figures["figures"]}
    assert figures["meals"] == 6
    assert figures["medication"] is None  # 0 is under 5: hidden
    assert meeting.figures["end"] == timezone.localdate().isoformat()


def test_a_figure_becomes_an_issue_but_not_a_hidden_one(ward, forum):
    _visits(ward, 7, "isolation")
    user = ward.association_member
    issue = issue_from_figure(user, forum, source="watch", key="isolation", title="孤立の心配", tags=["isolation"])
    assert issue.source_figure["count"] == 7 and issue.source == "watch"
    with pytest.raises(CommunityError):
        issue_from_figure(user, forum, source="watch", key="meals", title="食事")


def test_public_page_shows_only_what_is_published(client, ward, forum):
    user = ward.association_member
    issue_create(user, forum, title="公開する課題", is_public=True)
    issue_create(user, forum, title="内部の課題")
    assert client.get(f"/community/public/{forum.pk}/").status_code == 404
    Forum.objects.filter(pk=forum.pk).update(is_public=True)
    body = client.get(f"/community/public/{forum.pk}/").content.decode()
    assert "公開する課題" in body and "内部の課題" not in body and "泉尾第一町会" not in body


def test_api_reads_and_creates_and_refuses_personal_data(ward, forum):
    api = token_client(ward.association_member)
    created = api.post(
        f"/api/community/forums/{forum.pk}/issues/", {"title": "空き家が増えた", "tags": ["vacant_house"]},
        content_type="application/json",
    )
    assert created.status_code == 201
    refused = api.post(
        f"/api/community/forums/{forum.pk}/issues/", {"title": "電話 06-6555-0101"}, content_type="application/json"
    )
    assert refused.status_code == 400
    action = api.post(
        f"/api/community/forums/{forum.pk}/actions/",
        {"title": "見回り", "owner": ward.orgs.association.pk, "issue": created.json()["id"]},
        content_type="application/json",
    )
    assert action.status_code == 201
    assert [a["title"] for a in api.get(f"/api/community/forums/{forum.pk}/actions/").json()] == ["見回り"]
    assert token_client(ward.unagreed_member).get(f"/api/community/forums/{forum.pk}/issues/").status_code == 404
