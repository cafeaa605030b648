import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tsunagu.audit.models import AuditAction, AuditEntry, AuditTarget
from tsunagu.volunteers.models import Match, MatchStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(verified_client):
    def client_for(user, *, staff=True):
        client = APIClient()
        if staff:
            # The session of a staff member who passed the second factor.
            client.cookies = verified_client(user).cookies
        else:
            client.force_login(user)
        return client

    return client_for


def test_the_centre_reads_a_need_with_its_requester_and_candidates_and_proposes(api, ward, centre):
    client = api(ward.shakyo_coordinator)
    body = client.get(reverse("api:volunteers-need-detail", args=[centre.need.pk])).json()
    assert body["requester"]["name"] == "泉尾 トメ"
    assert [c["volunteer_id"] for c in body["candidates"]] == [centre.hanako.pk]
    assert "やりたいこと: 買い物" in body["candidates"][0]["reasons"]
    response = client.post(
        reverse("api:volunteers-need-propose", args=[centre.need.pk]), {"volunteer_id": centre.hanako.pk}, format="json"
    )
    assert response.status_code == 201
    assert Match.objects.get().status == MatchStatus.PROPOSED


def test_a_volunteer_reads_the_requester_through_the_api_only_after_accepting(api, ward, centre):
    match = Match.objects.create(need=centre.need, volunteer=centre.hanako)
    client = api(centre.hanako.user, staff=False)
    [row] = client.get(reverse("api:volunteers-my-matches")).json()
    assert row["requester"] is None and row["match"]["need"]["title"] == centre.need.title
    answer = client.post(reverse("api:volunteers-my-answer", args=[match.pk]), {"accept": True}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "accepted"
    [row] = client.get(reverse("api:volunteers-my-matches")).json()
    assert row["requester"]["phone"] == "06-6555-0199"
    entry = AuditEntry.objects.filter(action=AuditAction.VIEW, target_type=AuditTarget.VOLUNTEER_NEED).get()
    assert entry.channel == "api"
    done = client.post(
        reverse("api:volunteers-my-activity", args=[match.pk]),
        {"activity_on": "2026-12-01", "hours": "1.5"},
        format="json",
    )
    assert done.status_code == 200 and done.json()["hours"] == "1.5"


def test_a_volunteer_cannot_use_the_centres_api(api, ward, centre):
    client = api(centre.hanako.user, staff=False)
    assert client.get(reverse("api:volunteers-list")).status_code == 403
    assert client.get(reverse("api:volunteers-need-detail", args=[centre.need.pk])).status_code == 403


def test_someone_elses_match_is_not_found(api, ward, centre):
    match = Match.objects.create(need=centre.need, volunteer=centre.hanako)
    client = api(centre.jiro.user, staff=False)
    assert (
        client.post(reverse("api:volunteers-my-answer", args=[match.pk]), {"accept": True}, format="json").status_code
        == 404
    )


def test_the_centre_reads_courses_and_completions(api, ward, centre):
    from django.utils import timezone

    from tsunagu.volunteers.models import Completion, CompletionSource, Course, CourseKind

    course = Course.objects.create(name="声掛け研修", kind=CourseKind.GREETING, sessions_required=1)
    Completion.objects.create(
        course=course, volunteer=centre.hanako, completed_on=timezone.localdate(), source=CompletionSource.RECORDED
    )
    client = api(ward.shakyo_coordinator)
    courses = client.get(reverse("api:volunteers-course-list")).json()
    assert [(c["name"], c["valid_count"]) for c in courses["results"]] == [("声掛け研修", 1)]
    body = client.get(reverse("api:volunteers-completion-list"), {"kind": "greeting", "valid": "true"}).json()
    assert [(c["volunteer"], c["user"], c["course_kind"]) for c in body["results"]] == [
        (centre.hanako.pk, None, "greeting")
    ]
    assert AuditEntry.objects.filter(action=AuditAction.LIST, target_type=AuditTarget.TRAINING).exists()
    assert client.get(reverse("api:volunteers-completion-list"), {"kind": "nope"}).status_code == 400
    assert api(ward.care_plaza_worker).get(reverse("api:volunteers-course-list")).status_code == 403
