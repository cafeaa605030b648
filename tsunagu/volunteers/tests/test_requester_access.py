"""The requester's details: shown to a volunteer only once matched and accepted, decided by the access policy
(tsunagu.volunteers.scope) and audit-logged when shown."""

import pytest
from django.urls import reverse

from tsunagu.access.policy import viewer_for, visible_persons
from tsunagu.audit.models import AuditAction, AuditEntry, AuditTarget
from tsunagu.organisations.models import DataScope
from tsunagu.volunteers.models import Match, MatchStatus
from tsunagu.volunteers.selectors import need_requester

pytestmark = pytest.mark.django_db


def _requester_views(need):
    return AuditEntry.objects.filter(
        action=AuditAction.VIEW, target_type=AuditTarget.VOLUNTEER_NEED, target_ids=[need.pk]
    )


def test_a_proposed_volunteer_sees_the_need_but_not_who_asked(client, ward, centre):
    centre.need.person = ward.people.a1_agreed
    centre.need.save()
    Match.objects.create(need=centre.need, volunteer=centre.hanako)
    client.force_login(centre.hanako.user)
    html = client.get(reverse("volunteers:me")).content.decode()
    assert centre.need.title in html
    assert "泉尾 トメ" not in html and "06-6555-0199" not in html and "泉尾一丁目1-2-3" not in html
    assert need_requester(centre.hanako.user, centre.need) is None
    assert not visible_persons(centre.hanako.user, scope=DataScope.VOLUNTEER_NEED).exists()
    assert not _requester_views(centre.need).exists()


def test_after_accepting_the_volunteer_sees_the_requester_and_it_is_logged(client, ward, centre):
    centre.need.person = ward.people.a1_agreed
    centre.need.save()
    match = Match.objects.create(need=centre.need, volunteer=centre.hanako)
    client.force_login(centre.hanako.user)
    response = client.post(reverse("volunteers:respond", args=[match.pk]), {"answer": "accept"})
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED
    html = client.get(reverse("volunteers:me")).content.decode()
    assert "泉尾 トメ" in html and "06-6555-0199" in html
    entry = _requester_views(centre.need).get()
    assert entry.actor_username == "vol_hanako"
    # The resident named by the need opens in the scope, at the roster's items only.
    persons = visible_persons(viewer_for(centre.hanako.user), scope=DataScope.VOLUNTEER_NEED)
    assert list(persons) == [ward.people.a1_agreed]


def test_a_declined_match_opens_nothing(client, ward, centre):
    match = Match.objects.create(need=centre.need, volunteer=centre.hanako)
    client.force_login(centre.hanako.user)
    client.post(reverse("volunteers:respond", args=[match.pk]), {"answer": "decline"})
    match.refresh_from_db()
    assert match.status == MatchStatus.DECLINED
    assert need_requester(centre.hanako.user, centre.need) is None


def test_another_volunteer_cannot_answer_or_read_someone_elses_match(client, ward, centre):
    match = Match.objects.create(need=centre.need, volunteer=centre.hanako, status=MatchStatus.ACCEPTED)
    client.force_login(centre.jiro.user)
    assert client.post(reverse("volunteers:respond", args=[match.pk]), {"answer": "accept"}).status_code == 404
    assert client.get(reverse("volunteers:activity", args=[match.pk])).status_code == 404
    assert need_requester(centre.jiro.user, centre.need) is None
    assert AuditEntry.objects.filter(action=AuditAction.DENIED, target_type=AuditTarget.VOLUNTEER_MATCH).exists()


def test_the_centre_sees_the_requester_and_it_is_logged(verified_client, ward, centre):
    html = verified_client(ward.shakyo_coordinator).get(reverse("volunteers:need", args=[centre.need.pk]))
    assert "泉尾 トメ" in html.content.decode()
    assert _requester_views(centre.need).get().actor_username == "shakyo_coordinator"


def test_a_user_who_is_no_volunteer_is_refused_the_volunteer_page(client, ward):
    client.force_login(ward.outsider)
    assert client.get(reverse("volunteers:me")).status_code == 403


def test_the_scope_opens_to_staff_only_the_persons_named_by_needs(ward, centre):
    assert not visible_persons(ward.ward_officer, scope=DataScope.VOLUNTEER_NEED).exists()
    centre.need.person = ward.people.a2_agreed
    centre.need.save()
    assert list(visible_persons(ward.ward_officer, scope=DataScope.VOLUNTEER_NEED)) == [ward.people.a2_agreed]
    # A care plaza asks through the centre: the scope gives it nobody.
    assert not visible_persons(ward.care_plaza_worker, scope=DataScope.VOLUNTEER_NEED).exists()
