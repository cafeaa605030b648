"""Plan pages: the edit form with its supporters formset, refusals (community users view only; outsiders
404), the list with filters and the completion report."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.core.wareki import today_jst
from tsunagu.evacuation.models import EvacuationPlan, PlanStatus, Priority
from tsunagu.evacuation.services import REVIEW_DATE_REQUIRED_MESSAGE, SUPPORTER_REQUIRED_MESSAGE, evacuation_plan_save
from tsunagu.roster.models import RosterEntry
from tsunagu.roster.services import entry_of
from tsunagu.shelters.models import Shelter
from tsunagu.testing.factories import PersonFactory
from tsunagu.testing.personas import list_on_roster

LIST_URL = "/evacuation/plans/"
PROGRESS_URL = "/evacuation/plans/progress/"
NEXT_YEAR = today_jst() + datetime.timedelta(days=365)


def detail_url(person):
    return f"/evacuation/plans/{person.pk}/"


@pytest.fixture
def shelters(db):
    return (
        Shelter.objects.create(code="S1", name="泉尾小学校"),
        Shelter.objects.create(code="W1", name="大正区老人福祉センター", is_welfare_shelter=True),
    )


def form_data(shelter=None, supporters=(), **extra):
    data = {
        "status": PlanStatus.IN_PROGRESS,
        "priority": Priority.MEDIUM,
        "shelter": shelter.pk if shelter else "",
        "destination_other": "",
        "route_notes": "",
        "timing_notes": "",
        "next_review_on": "",
        "supporters-TOTAL_FORMS": str(len(supporters) + 1),
        "supporters-INITIAL_FORMS": "0",
        "supporters-MIN_NUM_FORMS": "0",
        "supporters-MAX_NUM_FORMS": "1000",
    }
    for i, s in enumerate(supporters):
        for key, value in s.items():
            data[f"supporters-{i}-{key}"] = value
    data.update(extra)
    return data


SUZUKI = {"name": "鈴木　一郎", "relation": "近所の方", "address": "泉尾一丁目1-2", "phone": "06-1111-2222"}


class TestEdit:
    def test_officer_sees_the_form_with_shelters_and_welfare_shelter_marked(self, ward, shelters, verified_client):
        response = verified_client(ward.ward_officer).get(detail_url(ward.people.a1_agreed))
        body = response.content.decode()
        assert response.status_code == 200
        assert "髙橋" in body and "保存する" in body
        assert "泉尾小学校" in body and "【福祉避難所】大正区老人福祉センター" in body
        assert 'name="supporters-TOTAL_FORMS"' in body
        view = AuditEntry.objects.get(action=AuditAction.VIEW)
        assert view.target_ids == [ward.people.a1_agreed.pk] and view.detail == {"plan": True}

    def test_save_with_supporters_then_update(self, ward, shelters, verified_client):
        client = verified_client(ward.ward_officer)
        person = ward.people.a1_agreed
        data = form_data(
            shelters[1],
            [SUZUKI],
            status=PlanStatus.DONE,
            next_review_on=NEXT_YEAR.isoformat(),
            needs_mobility="車いす",
            hazard_flood_zone="on",
        )
        response = client.post(detail_url(person), data)
        assert response.status_code == 302 and response["Location"] == detail_url(person)
        plan = EvacuationPlan.objects.get(person=person)
        assert (plan.status, plan.shelter, plan.needs_mobility, plan.hazard_flood_zone) == (
            PlanStatus.DONE,
            shelters[1],
            "車いす",
            True,
        )
        assert list(plan.supporters.values_list("name", "phone")) == [("鈴木　一郎", "06-1111-2222")]
        # Editing: the supporter row is ticked for deletion and another added; status back to 作成中.
        data = form_data(shelters[0], [{**SUZUKI, "DELETE": "on"}, {"name": "佐藤　花子", "relation": "長女"}])
        response = client.post(detail_url(person), data)
        assert response.status_code == 302
        plan.refresh_from_db()
        assert plan.shelter == shelters[0] and plan.status == PlanStatus.IN_PROGRESS
        assert list(plan.supporters.values_list("name", flat=True)) == ["佐藤　花子"]
        actions = list(
            AuditEntry.objects.filter(detail__has_key="plan_id").order_by("seq").values_list("action", flat=True)
        )
        assert actions == [AuditAction.CREATE, AuditAction.UPDATE]

    def test_broken_rules_show_the_exact_messages(self, ward, verified_client):
        response = verified_client(ward.ward_officer).post(
            detail_url(ward.people.a1_agreed), form_data(status=PlanStatus.DONE)
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert str(REVIEW_DATE_REQUIRED_MESSAGE) in body and str(SUPPORTER_REQUIRED_MESSAGE) in body
        assert not EvacuationPlan.objects.exists()

    def test_community_user_views_read_only_and_may_not_post(self, ward, verified_client):
        person = ward.people.a1_agreed
        evacuation_plan_save(
            person=person,
            data={"status": PlanStatus.IN_PROGRESS, "needs_pets": "小型犬"},
            supporters=[SUZUKI],
            user=ward.ward_officer,
        )
        client = verified_client(ward.association_member)
        page = client.get(detail_url(person))
        body = page.content.decode()
        assert page.status_code == 200
        assert "鈴木　一郎" in body and "小型犬" in body and "保存する" not in body
        response = client.post(detail_url(person), form_data(needs_pets="猫"))
        assert response.status_code == 403
        assert EvacuationPlan.objects.get(person=person).needs_pets == "小型犬"
        denied = AuditEntry.objects.get(action=AuditAction.DENIED)
        assert denied.actor_username == "association_member" and denied.target_ids == [person.pk]

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_outsider_and_out_of_scope_get_404_and_denied(self, ward, verified_client, method):
        # The 社協 serves district A; b1_agreed lives in district B.
        for user, person in ((ward.outsider, ward.people.a1_agreed), (ward.shakyo_coordinator, ward.people.b1_agreed)):
            client = verified_client(user)
            response = getattr(client, method)(detail_url(person), form_data() if method == "post" else None)
            assert response.status_code == 404
            assert AuditEntry.objects.filter(action=AuditAction.DENIED, actor_username=user.username).count() == 1
        assert not EvacuationPlan.objects.exists()
        assert not AuditEntry.objects.filter(action=AuditAction.VIEW).exists()

    def test_unknown_id_is_404_and_denied(self, ward, verified_client):
        response = verified_client(ward.ward_officer).get("/evacuation/plans/abc/")
        assert response.status_code == 404
        assert AuditEntry.objects.get(action=AuditAction.DENIED).detail == {"requested_id": "abc"}


class TestList:
    def test_officer_lists_everyone_on_the_latest_build_with_status(self, ward, verified_client):
        evacuation_plan_save(
            person=ward.people.a1_agreed, data={"status": PlanStatus.IN_PROGRESS}, supporters=[], user=ward.ward_officer
        )
        response = verified_client(ward.ward_officer).get(LIST_URL)
        rows = {r.person.pk: r.status for r in response.context["result"].rows}
        assert len(rows) == 7
        assert rows[ward.people.a1_agreed.pk] == PlanStatus.IN_PROGRESS
        assert rows[ward.people.b1_refused.pk] == PlanStatus.NOT_STARTED
        entry = AuditEntry.objects.get(action=AuditAction.LIST)
        assert sorted(entry.target_ids) == sorted(rows)

    def test_filters_by_status_and_priority(self, ward, verified_client):
        evacuation_plan_save(
            person=ward.people.a1_agreed,
            data={"status": PlanStatus.IN_PROGRESS, "priority": Priority.HIGH},
            supporters=[],
            user=ward.ward_officer,
        )
        client = verified_client(ward.ward_officer)
        in_progress = client.get(LIST_URL, {"status": PlanStatus.IN_PROGRESS}).context["result"]
        assert [r.person.pk for r in in_progress.rows] == [ward.people.a1_agreed.pk]
        not_started = client.get(LIST_URL, {"status": PlanStatus.NOT_STARTED}).context["result"]
        assert not_started.total == 6
        high = client.get(LIST_URL, {"priority": Priority.HIGH}).context["result"]
        assert [r.person.pk for r in high.rows] == [ward.people.a1_agreed.pk]
        district_b = client.get(LIST_URL, {"district": ward.districts.b.pk}).context["result"]
        assert district_b.total == 3

    def test_association_lists_only_consenting_persons_of_its_district(self, ward, verified_client):
        response = verified_client(ward.association_member).get(LIST_URL)
        shown = {r.person.pk for r in response.context["result"].rows}
        assert shown == {ward.people.a1_agreed.pk, ward.people.a2_agreed.pk}
        assert "作成状況の集計" not in response.content.decode()

    def test_persons_dropped_from_the_latest_build_are_not_listed(self, ward, verified_client):
        list_on_roster([ward.people.a1_agreed], number=2)
        response = verified_client(ward.ward_officer).get(LIST_URL)
        assert [r.person.pk for r in response.context["result"].rows] == [ward.people.a1_agreed.pk]

    @pytest.mark.parametrize("persona", ["outsider", "unagreed_member", "ward_clerk"])
    def test_users_without_a_grant_see_nobody(self, ward, verified_client, persona):
        response = verified_client(getattr(ward, persona)).get(LIST_URL)
        assert response.status_code == 200 and response.context["result"].total == 0

    def test_query_count_does_not_grow_with_rows(self, ward, verified_client):
        client = verified_client(ward.ward_officer)
        client.get(LIST_URL)  # warm the session and the caches of the first request
        with CaptureQueriesContext(connection) as few:
            client.get(LIST_URL)
        extra = [PersonFactory(town=ward.towns.b1) for _ in range(12)]
        RosterEntry.objects.bulk_create(
            entry_of(ward.roster, p) for p in extra
        )
        for person in extra[:5]:
            evacuation_plan_save(
                person=person, data={"status": PlanStatus.IN_PROGRESS}, supporters=[SUZUKI], user=ward.ward_officer
            )
        with CaptureQueriesContext(connection) as many:
            response = client.get(LIST_URL)
        assert response.context["result"].total == 19
        assert len(many.captured_queries) == len(few.captured_queries)


class TestProgressPage:
    def test_officer_sees_rates(self, ward, verified_client):
        evacuation_plan_save(
            person=ward.people.b1_agreed,
            data={"status": PlanStatus.DONE, "next_review_on": NEXT_YEAR},
            supporters=[SUZUKI],
            user=ward.ward_officer,
        )
        before = AuditEntry.objects.count()
        response = verified_client(ward.ward_officer).get(PROGRESS_URL)
        body = response.content.decode()
        assert response.status_code == 200
        assert "北恩加島小学校区" in body and "33.3%" in body and "0.0%" in body
        assert AuditEntry.objects.count() == before  # counts reveal no one

    @pytest.mark.parametrize("persona", ["association_member", "commissioner", "outsider"])
    def test_community_users_and_outsiders_are_refused(self, ward, verified_client, persona):
        response = verified_client(getattr(ward, persona)).get(PROGRESS_URL)
        assert response.status_code == 403


def test_a_supporter_phone_is_stored_half_width(ward, verified_client):
    person = ward.people.a1_agreed
    written = {**SUZUKI, "phone": "０６－１１１１ー２２２２"}

    response = verified_client(ward.ward_officer).post(detail_url(person), form_data(supporters=[written]))

    assert response.status_code == 302
    supporters = EvacuationPlan.objects.get(person=person).supporters
    assert list(supporters.values_list("phone", flat=True)) == ["06-1111-2222"]
