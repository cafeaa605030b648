"""Staff pages of the forums: MANAGE_FORUMS staff set up a district's forum and add and end members; everyone
else gets the 403 page; bad input gives a Japanese message and keeps what was typed; every change is logged."""

import pytest

from tsunagu.audit.models import AuditEntry
from tsunagu.community.models import Forum, MemberRole
from tsunagu.community.services import forum_create


@pytest.fixture
def forum(ward):
    return forum_create(ward.shakyo_coordinator, district=ward.districts.a, name="泉尾 話し合いの場")


def test_staff_set_up_a_forum_others_are_refused(client, verified_client, ward):
    client.force_login(ward.association_member)
    assert client.get("/community/new/").status_code == 403
    client = verified_client(ward.shakyo_coordinator)
    assert "話し合いの場を設ける" in client.get("/community/").content.decode()
    answer = client.post("/community/new/", {"district": ward.districts.b.pk, "name": "", "description": "月1回"})
    forum = Forum.objects.get(district=ward.districts.b)
    assert answer.status_code == 302 and answer["Location"] == f"/community/{forum.pk}/members/"
    assert forum.name == f"{ward.districts.b.name} 話し合いの場"
    assert AuditEntry.objects.filter(target_type="forum", action="create").exists()
    # The district now has its forum: it is no longer offered.
    page = client.post("/community/new/", {"district": ward.districts.b.pk, "name": "二つ目"})
    assert page.status_code == 200 and "正しく選択してください" in page.content.decode()
    assert Forum.objects.filter(district=ward.districts.b).count() == 1


def test_members_added_and_ended(client, verified_client, ward, forum):
    staff = verified_client(ward.shakyo_coordinator)
    url = f"/community/{forum.pk}/members/"
    assert staff.post(url, {"op": "add", "role": MemberRole.NEIGHBOURHOOD, "organisation": ward.orgs.association.pk})[
        "Location"
    ] == url
    staff.post(url, {"op": "add", "role": MemberRole.COMMISSIONER, "username": ward.unagreed_member.username})
    assert {(m.organisation_id, m.user_id) for m in forum.members.all()} == {
        (ward.orgs.association.pk, None), (None, ward.unagreed_member.pk)
    }
    # Both or neither, an unknown login, a duplicate: a message, nothing saved, the input kept.
    for data, message in (
        ({"role": MemberRole.NPO}, "どちらか一方"),
        ({"role": MemberRole.NPO, "username": "nobody-here"}, "見つかりません"),
        ({"role": MemberRole.NPO, "organisation": ward.orgs.association.pk}, "すでに構成員です"),
    ):
        page = staff.post(url, {"op": "add", **data})
        assert page.status_code == 200 and message in page.content.decode(), message
    kept = staff.post(url, {"op": "add", "role": "npo", "username": "nobody-here"}).content.decode()
    assert 'value="nobody-here"' in kept
    assert forum.members.count() == 2
    member = forum.members.get(organisation=ward.orgs.association)
    staff.post(url, {"op": "end", "member": member.pk})
    member.refresh_from_db()
    assert member.left_on is not None
    assert "退会した構成員" in staff.get(url).content.decode()
    assert AuditEntry.objects.filter(target_type="forum", detail__what="member_end").exists()
    # The 町会 lost its membership: its member no longer sees the forum.
    staff.logout()
    client.force_login(ward.association_member)
    assert client.get(f"/community/{forum.pk}/").status_code == 404


def test_members_page_is_for_forum_staff_only(client, ward, forum):
    client.force_login(ward.unagreed_member)
    assert client.get(f"/community/{forum.pk}/members/").status_code == 403
