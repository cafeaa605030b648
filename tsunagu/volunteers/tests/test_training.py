"""Training (研修): completion from attendance, expiry, who lacks a course, the watch's note, permissions and the
Japanese messages; and the two staff pages of matching (an activity recorded for a volunteer, an open need
edited)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.audit.models import AuditAction, AuditEntry, AuditTarget
from tsunagu.testing.personas import build_city
from tsunagu.testing.volunteers import make_volunteer
from tsunagu.volunteers.models import (
    Attendance,
    Completion,
    CompletionSource,
    Course,
    CourseKind,
    Match,
    MatchStatus,
    NeedStatus,
    TrainingSession,
    VolunteerStatus,
)
from tsunagu.volunteers.selectors import users_lacking_training
from tsunagu.volunteers.services import (
    TrainingRefused,
    attendance_enrol,
    attendance_record,
    completion_expiry,
    completion_record,
)
from tsunagu.volunteers.services.needs import NEED_NOT_OPEN_FOR_EDIT
from tsunagu.volunteers.services.training import (
    ALREADY_ENROLLED,
    SESSION_FULL,
    USER_NOT_IN_WARD,
    VOLUNTEER_NOT_APPROVED,
)
from tsunagu.watch.models import WatchAssignment

pytestmark = pytest.mark.django_db


def _course(ward, *, kind=CourseKind.GREETING, sessions=2, valid_years=None, name="声掛け研修（基礎）") -> Course:
    return Course.objects.create(name=name, kind=kind, sessions_required=sessions, valid_years=valid_years)


def _session(course, days_ago: int, capacity: int = 20) -> TrainingSession:
    start = timezone.localtime() - datetime.timedelta(days=days_ago)
    return TrainingSession.objects.create(
        course=course,
        starts_at=start.replace(hour=14, minute=0, second=0, microsecond=0),
        place="区民センター",
        capacity=capacity,
    )


def test_a_completion_follows_from_attending_every_required_session(ward, centre):
    course = _course(ward, sessions=2, valid_years=3)
    first, second = _session(course, 20), _session(course, 10)
    coordinator = ward.shakyo_coordinator
    a1 = attendance_enrol(actor=coordinator, session=first, volunteer=centre.hanako)
    a2 = attendance_enrol(actor=coordinator, session=second, volunteer=centre.hanako)
    assert attendance_record(actor=coordinator, attendance=a1, attended=True) is None
    completion = attendance_record(actor=coordinator, attendance=a2, attended=True)
    assert completion is not None
    assert completion.volunteer == centre.hanako and completion.source == CompletionSource.ATTENDANCE
    assert completion.completed_on == timezone.localdate(second.starts_at)
    assert completion.expires_on == completion_expiry(course, completion.completed_on)
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, target_type=AuditTarget.TRAINING, target_ids=[completion.pk]
    ).exists()
    # Recording the same attendance again makes no second completion.
    assert attendance_record(actor=coordinator, attendance=a2, attended=True) is None
    assert Completion.objects.count() == 1


def test_an_absence_is_no_completion_and_a_corrected_attendance_withdraws_it(ward, centre):
    course = _course(ward, sessions=1)
    session = _session(course, 5)
    attendance = attendance_enrol(actor=ward.shakyo_coordinator, session=session, volunteer=centre.hanako)
    assert attendance_record(actor=ward.shakyo_coordinator, attendance=attendance, attended=False) is None
    assert attendance_record(actor=ward.shakyo_coordinator, attendance=attendance, attended=True) is not None
    attendance_record(actor=ward.shakyo_coordinator, attendance=attendance, attended=False)
    assert not Completion.objects.exists()


def test_expiry_is_the_day_before_the_anniversary():
    course = Course(valid_years=3)
    assert completion_expiry(course, datetime.date(2024, 5, 10)) == datetime.date(2027, 5, 9)
    assert completion_expiry(course, datetime.date(2024, 2, 29)) == datetime.date(2027, 2, 28)
    assert completion_expiry(Course(valid_years=None), datetime.date(2024, 5, 10)) is None


def test_a_lapsed_completion_counts_as_lacking_and_a_refresher_counts_anew(ward, centre):
    course = _course(ward, sessions=1, valid_years=1)
    long_ago = timezone.localdate() - datetime.timedelta(days=800)
    Completion.objects.create(
        course=course,
        volunteer=centre.hanako,
        completed_on=long_ago,
        expires_on=completion_expiry(course, long_ago),
        source=CompletionSource.RECORDED,
    )
    session = _session(course, 3)
    attendance = attendance_enrol(actor=ward.shakyo_coordinator, session=session, volunteer=centre.hanako)
    assert centre.hanako.pk in {v.pk for v in _lacking(ward, course)}
    refreshed = attendance_record(actor=ward.shakyo_coordinator, attendance=attendance, attended=True)
    assert refreshed is not None and refreshed.completed_on > long_ago
    assert centre.hanako.pk not in {v.pk for v in _lacking(ward, course)}


def _lacking(ward, course):
    from tsunagu.volunteers.selectors import lacking_volunteers

    return list(lacking_volunteers(ward.shakyo_coordinator, course))


def test_the_lacking_page_lists_who_has_no_valid_completion(verified_client, ward, centre):
    course = _course(ward, sessions=1, name="見守り協力員研修", kind=CourseKind.WATCH_HELPER)
    Completion.objects.create(
        course=course, volunteer=centre.jiro, completed_on=timezone.localdate(), source=CompletionSource.RECORDED
    )
    html = verified_client(ward.shakyo_coordinator).get(reverse("volunteers:course_lacking", args=[course.pk]))
    text = html.content.decode()
    assert html.status_code == 200
    assert "山田 花子" in text and "北 次郎" not in text
    assert AuditEntry.objects.filter(action=AuditAction.LIST, detail__lacking_course=course.pk).exists()


def test_enrolment_refusals_are_in_japanese(ward, centre):
    course = _course(ward, sessions=1)
    session = _session(course, 1, capacity=1)
    coordinator = ward.shakyo_coordinator
    attendance_enrol(actor=coordinator, session=session, volunteer=centre.hanako)
    with pytest.raises(TrainingRefused) as again:
        attendance_enrol(actor=coordinator, session=session, volunteer=centre.hanako)
    assert str(again.value) == str(ALREADY_ENROLLED)
    with pytest.raises(TrainingRefused) as full:
        attendance_enrol(actor=coordinator, session=session, volunteer=centre.jiro)
    assert str(full.value) == str(SESSION_FULL)
    pending = make_volunteer(ward, name="未確認 三郎", status=VolunteerStatus.PENDING)
    with pytest.raises(TrainingRefused) as not_approved:
        attendance_enrol(actor=coordinator, session=_session(course, 2), volunteer=pending)
    assert str(not_approved.value) == str(VOLUNTEER_NOT_APPROVED)


def test_the_session_page_enrols_and_ticks_attendance(verified_client, ward, centre):
    course = _course(ward, sessions=1)
    session = _session(course, 1)
    client = verified_client(ward.shakyo_coordinator)
    url = reverse("volunteers:training_session", args=[session.pk])
    assert client.post(url, {"volunteer": centre.hanako.pk}).status_code == 302
    attendance = Attendance.objects.get()
    response = client.post(url, {"attendance": attendance.pk, "attended": "yes"}, follow=True)
    assert "山田 花子さんは「声掛け研修（基礎）」を修了しました。" in response.content.decode()
    assert Completion.objects.get().volunteer == centre.hanako
    # The volunteer's page shows it, and the need's candidates carry the badge.
    page = client.get(reverse("volunteers:volunteer", args=[centre.hanako.pk])).content.decode()
    assert "声掛け研修（基礎）（声掛け研修）" in page
    need_page = client.get(reverse("volunteers:need", args=[centre.need.pk])).content.decode()
    assert '<span class="badge badge-ok">声掛け研修</span>' in need_page


def test_bad_course_input_gives_japanese_messages(verified_client, ward):
    client = verified_client(ward.shakyo_coordinator)
    response = client.post(
        reverse("volunteers:course_create"),
        {"kind": "greeting", "name": "", "sessions_required": "0", "valid_years": "30"},
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "出席回数は1回以上にしてください。" in text
    assert "有効期間は20年までにしてください。" in text
    assert "この項目は必須です。" in text
    assert not Course.objects.exists()


def test_a_completion_needs_one_person_and_a_user_of_the_ward(verified_client, ward, centre):
    course = _course(ward, sessions=1)
    client = verified_client(ward.shakyo_coordinator)
    today = timezone.localdate().isoformat()
    both = client.post(
        reverse("volunteers:completions"),
        {"course": course.pk, "volunteer": centre.hanako.pk, "username": "commissioner", "completed_on": today},
    )
    assert "ボランティアか利用者名の、どちらか一方だけを入れてください。" in both.content.decode()
    outsider = client.post(
        reverse("volunteers:completions"), {"course": course.pk, "username": "outsider", "completed_on": today}
    )
    assert str(USER_NOT_IN_WARD) in outsider.content.decode()
    done = client.post(
        reverse("volunteers:completions"),
        {"course": course.pk, "username": "commissioner", "completed_on": today, "note": "市社協で受講"},
    )
    assert done.status_code == 302
    completion = Completion.objects.get()
    assert completion.user == ward.commissioner and completion.volunteer is None
    assert completion.source == CompletionSource.RECORDED


def test_a_completion_is_of_a_volunteer_or_a_user_never_both(ward, centre):
    from django.db import IntegrityError, transaction

    course = _course(ward)
    with pytest.raises(IntegrityError), transaction.atomic():
        Completion.objects.create(
            course=course,
            volunteer=centre.hanako,
            user=ward.commissioner,
            completed_on=timezone.localdate(),
            source=CompletionSource.RECORDED,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Completion.objects.create(course=course, completed_on=timezone.localdate(), source=CompletionSource.RECORDED)


def test_users_lacking_greeting_training(ward):
    course = _course(ward, sessions=1, valid_years=1)
    completion_record(
        actor=ward.shakyo_coordinator, course=course, username="commissioner", completed_on=timezone.localdate()
    )
    lapsed = timezone.localdate() - datetime.timedelta(days=500)
    Completion.objects.create(
        course=course,
        user=ward.association_member,
        completed_on=lapsed,
        expires_on=completion_expiry(course, lapsed),
        source=CompletionSource.RECORDED,
    )
    ids = [ward.commissioner.pk, ward.association_member.pk, ward.care_plaza_worker.pk]
    assert users_lacking_training(ids) == {ward.association_member.pk, ward.care_plaza_worker.pk}
    # Another kind of course does not stand in for 声掛け研修.
    other = _course(ward, kind=CourseKind.COORDINATOR, sessions=1, name="コーディネーター研修")
    completion_record(
        actor=ward.shakyo_coordinator, course=other, username="care_plaza_worker", completed_on=timezone.localdate()
    )
    assert ward.care_plaza_worker.pk in users_lacking_training(ids)


def test_the_watch_page_notes_a_watcher_without_greeting_training(verified_client, ward):
    person = ward.people.b1_agreed
    WatchAssignment.objects.create(person=person, organisation=ward.orgs.minsei, watcher=ward.commissioner)
    client = verified_client(ward.ward_officer)
    url = reverse("watch:person", args=[person.pk])
    assert "声掛け研修 未受講" in client.get(url).content.decode()
    course = _course(ward, sessions=1)
    completion_record(
        actor=ward.shakyo_coordinator, course=course, username="commissioner", completed_on=timezone.localdate()
    )
    assert "声掛け研修 未受講" not in client.get(url).content.decode()


@pytest.mark.parametrize("persona", ["care_plaza_worker", "association_member", "commissioner", "ward_clerk"])
def test_only_the_centre_opens_the_training_pages(verified_client, ward, persona):
    course = _course(ward)
    session = _session(course, 1)
    client = verified_client(getattr(ward, persona))
    for url in (
        reverse("volunteers:courses"),
        reverse("volunteers:course", args=[course.pk]),
        reverse("volunteers:training_session", args=[session.pk]),
        reverse("volunteers:completions"),
        reverse("volunteers:course_lacking", args=[course.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_a_volunteer_cannot_open_the_training_pages(client, ward, centre):
    course = _course(ward)
    client.force_login(centre.hanako.user)
    assert client.get(reverse("volunteers:course", args=[course.pk])).status_code == 403
    assert client.get(reverse("volunteers:completions")).status_code == 403


def test_another_wards_centre_gets_404_and_it_is_logged(verified_client, ward):
    city = build_city(ward)
    course = _course(ward)
    session = _session(course, 1)
    client = verified_client(city.shakyo_coordinator)
    assert client.get(reverse("volunteers:course", args=[course.pk])).status_code == 404
    assert client.get(reverse("volunteers:training_session", args=[session.pk])).status_code == 404
    assert AuditEntry.objects.filter(action=AuditAction.DENIED, target_type=AuditTarget.TRAINING).count() == 2
    assert course.name not in client.get(reverse("volunteers:courses")).content.decode()


def test_the_course_page_adds_a_session_and_refuses_a_bad_capacity(verified_client, ward):
    course = _course(ward)
    client = verified_client(ward.shakyo_coordinator)
    url = reverse("volunteers:course", args=[course.pk])
    bad = client.post(url, {"starts_at": "2027-05-10T14:00", "place": "区民センター", "capacity": "0"})
    assert bad.status_code == 400 and "定員は1人以上にしてください。" in bad.content.decode()
    assert (
        client.post(url, {"starts_at": "2027-05-10T14:00", "place": "区民センター", "capacity": "30"}).status_code
        == 302
    )
    assert course.sessions.get().capacity == 30


# --- Matching: the centre records an activity for the volunteer, and edits an open need ------------------------


def test_the_centre_records_the_activity_for_the_volunteer(verified_client, ward, centre):
    match = Match.objects.create(need=centre.need, volunteer=centre.hanako, status=MatchStatus.ACCEPTED)
    client = verified_client(ward.shakyo_coordinator)
    url = reverse("volunteers:need_activity", args=[centre.need.pk, match.pk])
    assert "山田 花子さんの活動を記録する" in client.get(url).content.decode()
    bad = client.post(url, {"activity_on": timezone.localdate().isoformat(), "hours": "30"})
    assert bad.status_code == 400
    response = client.post(
        url, {"activity_on": timezone.localdate().isoformat(), "hours": "2", "report": "電話で聞き取り"}
    )
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.status == MatchStatus.COMPLETED and match.hours == Decimal("2")
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE, target_type=AuditTarget.VOLUNTEER_MATCH).get()
    assert entry.actor_username == "shakyo_coordinator"


def test_the_centre_cannot_record_an_activity_not_accepted_or_of_another_need(verified_client, ward, centre):
    from tsunagu.testing.volunteers import make_need

    proposed = Match.objects.create(need=centre.need, volunteer=centre.hanako)
    other = make_need(ward, title="別のニーズ")
    client = verified_client(ward.shakyo_coordinator)
    client.post(
        reverse("volunteers:need_activity", args=[centre.need.pk, proposed.pk]),
        {"activity_on": timezone.localdate().isoformat(), "hours": "1"},
    )
    proposed.refresh_from_db()
    assert proposed.status == MatchStatus.PROPOSED
    assert client.get(reverse("volunteers:need_activity", args=[other.pk, proposed.pk])).status_code == 404
    verified = verified_client(ward.care_plaza_worker)
    assert verified.get(reverse("volunteers:need_activity", args=[centre.need.pk, proposed.pk])).status_code == 403


def _edit_form(ward, **overrides):
    start = (timezone.localtime() + datetime.timedelta(days=6)).strftime("%Y-%m-%dT13:00")
    data = {
        "kind": "shopping",
        "title": "週1回の買い物の付き添い（午後）",
        "description": "",
        "district": ward.districts.a.pk,
        "town": "",
        "starts_at": start,
        "ends_at": "",
        "volunteers_needed": "2",
    }
    data.update(overrides)
    return data


def test_the_centre_edits_an_open_need_and_it_is_logged(verified_client, ward, centre):
    client = verified_client(ward.shakyo_coordinator)
    url = reverse("volunteers:need_edit", args=[centre.need.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _edit_form(ward))
    assert response.status_code == 302
    centre.need.refresh_from_db()
    assert centre.need.title == "週1回の買い物の付き添い（午後）" and centre.need.volunteers_needed == 2
    assert centre.need.requester_name == "泉尾 トメ"
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, target_type=AuditTarget.VOLUNTEER_NEED)
    assert set(entry.detail["changed"]) == {"title", "starts_at", "volunteers_needed"}


def test_a_need_edit_refuses_bad_input_in_japanese(verified_client, ward, centre):
    client = verified_client(ward.shakyo_coordinator)
    url = reverse("volunteers:need_edit", args=[centre.need.pk])
    start = (timezone.localtime() + datetime.timedelta(days=6)).strftime("%Y-%m-%dT13:00")
    ends = (timezone.localtime() + datetime.timedelta(days=6)).strftime("%Y-%m-%dT12:00")
    response = client.post(url, _edit_form(ward, starts_at=start, ends_at=ends))
    assert response.status_code == 400
    assert "終了は開始より後にしてください。" in response.content.decode()


def test_fewer_volunteers_needed_fills_the_need(verified_client, ward, centre):
    centre.need.volunteers_needed = 2
    centre.need.save(update_fields=["volunteers_needed"])
    Match.objects.create(need=centre.need, volunteer=centre.hanako, status=MatchStatus.ACCEPTED)
    client = verified_client(ward.shakyo_coordinator)
    client.post(reverse("volunteers:need_edit", args=[centre.need.pk]), _edit_form(ward, volunteers_needed="1"))
    centre.need.refresh_from_db()
    assert centre.need.status == NeedStatus.FILLED


def test_a_need_not_open_is_not_edited(verified_client, ward, centre):
    centre.need.status = NeedStatus.CLOSED
    centre.need.save(update_fields=["status"])
    client = verified_client(ward.shakyo_coordinator)
    response = client.post(reverse("volunteers:need_edit", args=[centre.need.pk]), _edit_form(ward), follow=True)
    assert str(NEED_NOT_OPEN_FOR_EDIT) in response.content.decode()
    centre.need.refresh_from_db()
    assert centre.need.title == "週1回の買い物の付き添い"


def test_the_training_lists_read_as_many_queries_for_many_rows_as_for_few(verified_client, ward, centre):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    course = _course(ward, sessions=1)
    session = _session(course, 1, capacity=50)
    client = verified_client(ward.shakyo_coordinator)
    urls = (
        reverse("volunteers:courses"),
        reverse("volunteers:training_session", args=[session.pk]),
        reverse("volunteers:completions"),
        reverse("volunteers:course_lacking", args=[course.pk]),
    )

    def queries() -> list[int]:
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return counts

    def add(i: int) -> None:
        volunteer = make_volunteer(ward, name=f"受講 {i}")
        Attendance.objects.create(session=session, volunteer=volunteer, attended=True)
        Completion.objects.create(
            course=_course(ward, name=f"研修 {i}"),
            volunteer=volunteer,
            completed_on=timezone.localdate(),
            source=CompletionSource.RECORDED,
        )
        make_volunteer(ward, name=f"未受講 {i}")

    add(0)
    few = queries()
    for i in range(1, 10):
        add(i)
    assert queries() == few
