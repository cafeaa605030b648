import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.audit.models import AuditAction, AuditEntry, AuditTarget
from tsunagu.testing.volunteers import make_volunteer
from tsunagu.volunteers.models import Match, MatchStatus, VolunteerStatus

pytestmark = pytest.mark.django_db


def test_the_centre_approves_a_pending_registration(verified_client, ward):
    pending = make_volunteer(ward, name="申込 太郎", status=VolunteerStatus.PENDING)
    client = verified_client(ward.shakyo_coordinator)
    listing = client.get(reverse("volunteers:manage"))
    assert "申込 太郎" in listing.content.decode()
    response = client.post(
        reverse("volunteers:volunteer", args=[pending.pk]), {"decision": "approve", "note": "面談済み"}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == VolunteerStatus.APPROVED
    assert pending.checked_by == ward.shakyo_coordinator
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE, target_type=AuditTarget.VOLUNTEER, target_ids=[pending.pk]
    ).exists()


@pytest.mark.parametrize("persona", ["care_plaza_worker", "association_member", "commissioner", "ward_clerk"])
def test_only_the_centre_opens_the_registry(verified_client, ward, persona):
    volunteer = make_volunteer(ward)
    client = verified_client(getattr(ward, persona))
    assert client.get(reverse("volunteers:manage")).status_code == 403
    assert client.get(reverse("volunteers:volunteer", args=[volunteer.pk])).status_code == 403
    assert client.get(reverse("volunteers:needs")).status_code == 403


def test_the_volunteer_pages_of_staff_need_a_sign_in(client, ward):
    response = client.get(reverse("volunteers:manage"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_insurance_list_shows_what_lapses_within_30_days(verified_client, ward):
    today = timezone.localdate()
    make_volunteer(ward, name="もうすぐ 切れる", insurance_expires_on=today + datetime.timedelta(days=10))
    make_volunteer(ward, name="切れて いる", insurance_expires_on=today - datetime.timedelta(days=1))
    make_volunteer(ward, name="まだ 大丈夫", insurance_expires_on=today + datetime.timedelta(days=60))
    html = verified_client(ward.shakyo_coordinator).get(reverse("volunteers:insurance")).content.decode()
    assert "もうすぐ 切れる" in html and "切れて いる" in html
    assert "まだ 大丈夫" not in html


def test_search_by_kana_ignores_hiragana_and_katakana(verified_client, ward):
    make_volunteer(ward, name="山田 花子", name_kana="ヤマダ ハナコ", name_key="ヤマダハナコ")
    client = verified_client(ward.shakyo_coordinator)
    html = client.get(reverse("volunteers:manage"), {"status": "", "q": "やまだ"}).content.decode()
    assert "山田 花子" in html


def test_candidates_are_ranked_with_their_reasons_and_proposed(verified_client, ward, centre):
    client = verified_client(ward.shakyo_coordinator)
    html = client.get(reverse("volunteers:need", args=[centre.need.pk])).content.decode()
    # Hanako wants to shop, lives in the need's district and is free on that morning; Jiro only wants to talk.
    assert "やりたいこと: 買い物" in html
    assert "活動できる地区: 泉尾小学校区" in html
    assert "山田 花子" in html
    # Nothing in common with the need (talking, another district, no slot): not a candidate at all.
    assert "北 次郎" not in html
    response = client.post(reverse("volunteers:need", args=[centre.need.pk]), {"volunteer": centre.hanako.pk})
    assert response.status_code == 302
    match = Match.objects.get()
    assert match.status == MatchStatus.PROPOSED and match.volunteer == centre.hanako
    assert "やりたいこと: 買い物" in match.reasons


def test_a_pending_volunteer_is_no_candidate(verified_client, ward, centre):
    pending = make_volunteer(ward, name="未確認 三郎", status=VolunteerStatus.PENDING)
    client = verified_client(ward.shakyo_coordinator)
    assert "未確認 三郎" not in client.get(reverse("volunteers:need", args=[centre.need.pk])).content.decode()
    client.post(reverse("volunteers:need", args=[centre.need.pk]), {"volunteer": pending.pk})
    assert not Match.objects.exists()


def test_needs_are_recorded_by_the_centre(verified_client, ward):
    client = verified_client(ward.shakyo_coordinator)
    start = (timezone.localtime() + datetime.timedelta(days=5)).strftime("%Y-%m-%dT10:00")
    response = client.post(
        reverse("volunteers:need_create"),
        {
            "kind": "rubbish",
            "title": "粗大ごみを出す手伝い",
            "description": "",
            "district": ward.districts.b.pk,
            "town": "",
            "starts_at": start,
            "ends_at": "",
            "volunteers_needed": "2",
            "requester_kind": "resident",
            "requester_name": "北恩加島 一郎",
            "requester_phone": "０６－１２３４－５６７８",
            "requester_address": "",
        },
    )
    assert response.status_code == 302
    from tsunagu.volunteers.models import Need

    need = Need.objects.get()
    assert need.requester_phone == "06-1234-5678"
    assert need.created_by == ward.shakyo_coordinator


def test_the_lists_read_as_many_queries_for_many_rows_as_for_few(verified_client, ward):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tsunagu.testing.volunteers import make_need

    client = verified_client(ward.shakyo_coordinator)

    def queries(name: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name), {"status": ""}).status_code == 200
        return len(captured)

    make_volunteer(ward, name="登録 0")
    make_need(ward, title="ニーズ 0")
    few = (queries("volunteers:manage"), queries("volunteers:needs"))
    for i in range(1, 12):
        make_volunteer(ward, name=f"登録 {i}", districts=[ward.districts.a, ward.districts.b])
        make_need(ward, title=f"ニーズ {i}")
    assert (queries("volunteers:manage"), queries("volunteers:needs")) == few


def _need_form(ward, **overrides):
    start = (timezone.localtime() + datetime.timedelta(days=5)).strftime("%Y-%m-%dT10:00")
    data = {
        "kind": "shopping",
        "title": "買い物の付き添い",
        "district": ward.districts.a.pk,
        "starts_at": start,
        "volunteers_needed": "1",
        "requester_kind": "resident",
        "requester_name": "泉尾 一郎",
    }
    data.update(overrides)
    return data


def test_a_need_names_a_resident_only_as_the_policy_lets_the_coordinator_see_them(verified_client, ward):
    from tsunagu.volunteers.models import Need

    client = verified_client(ward.shakyo_coordinator)
    # The 社協 serves district A: a resident of B is not theirs to name.
    refused = client.post(reverse("volunteers:need_create"), _need_form(ward, person_id=ward.people.b1_agreed.pk))
    assert refused.status_code == 400
    assert "この住民は見つからないか、閲覧できません。" in refused.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.DENIED, target_type="person").exists()
    assert not Need.objects.exists()
    done = client.post(reverse("volunteers:need_create"), _need_form(ward, person_id=ward.people.a1_agreed.pk))
    assert done.status_code == 302
    assert Need.objects.get().person == ward.people.a1_agreed


def test_the_candidates_shown_are_logged(verified_client, ward, centre):
    verified_client(ward.shakyo_coordinator).get(reverse("volunteers:need", args=[centre.need.pk]))
    entry = AuditEntry.objects.get(action=AuditAction.LIST, target_type=AuditTarget.VOLUNTEER)
    assert entry.target_ids == [centre.hanako.pk]


def test_a_member_of_an_organisation_is_not_linked_as_a_volunteer(verified_client, ward):
    volunteer = make_volunteer(ward)
    client = verified_client(ward.shakyo_coordinator)
    response = client.post(reverse("volunteers:volunteer", args=[volunteer.pk]), {"username": "association_member"})
    assert "団体に所属している利用者は結びつけられません。" in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.user is None


def test_the_centre_closes_a_need_and_it_offers_no_more_candidates(verified_client, ward, centre):
    from tsunagu.volunteers.models import NeedStatus

    client = verified_client(ward.shakyo_coordinator)
    response = client.post(reverse("volunteers:need", args=[centre.need.pk]), {"status": "closed"})
    assert response.status_code == 302
    centre.need.refresh_from_db()
    assert centre.need.status == NeedStatus.CLOSED
    html = client.get(reverse("volunteers:need", args=[centre.need.pk])).content.decode()
    assert "このニーズは募集を終えています。" in html
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE, target_type=AuditTarget.VOLUNTEER_NEED, target_ids=[centre.need.pk]
    ).exists()
