"""The audit log pages: who may open them, the filters, paging, the chain check, and that viewing is recorded."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tsunagu.access import views
from tsunagu.access.selectors import AUDIT_PAGE_SIZE
from tsunagu.audit.models import AuditAction, AuditEntry, AuditPurpose
from tsunagu.audit.selectors import CHECKPOINT_TAIL_LOST_MESSAGE, AuditFilters, audit_entry_queryset
from tsunagu.audit.services import audit_record
from tsunagu.audit.triggers import drop_audit_triggers, install_audit_triggers
from tsunagu.testing.audit import tamper
from tsunagu.testing.html import unlabelled_controls

pytestmark = pytest.mark.django_db

AUDIT_URL = reverse("access:audit_log")
VERIFY_URL = reverse("access:verify")


def last_seq() -> int:
    entry = AuditEntry.objects.order_by("-seq").first()
    return entry.seq if entry else 0


def shown_seqs(response) -> list[int]:
    return [row.entry.seq for row in response.context["rows"]]


def record_at(monkeypatch, at: datetime.datetime, **kwargs) -> AuditEntry:
    monkeypatch.setattr(timezone, "now", lambda: at)
    try:
        return audit_record(**kwargs)
    finally:
        monkeypatch.undo()


@pytest.fixture
def officer(ward, verified_client):
    return verified_client(ward.ward_officer)


# --- who may open the log -------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["shakyo_coordinator", "care_plaza_worker", "ward_clerk"])
def test_staff_outside_the_ward_welfare_section_get_403_and_the_attempt_is_logged(ward, verified_client, persona):
    user = getattr(ward, persona)
    client = verified_client(user)
    before = last_seq()

    response = client.get(AUDIT_URL)

    assert response.status_code == 403
    assert "監査ログを閲覧できるのは、区役所の福祉部門の職員だけです。" in response.content.decode()
    entries = list(AuditEntry.objects.filter(seq__gt=before))
    assert [(e.action, e.target_type, e.actor_username) for e in entries] == [
        (AuditAction.DENIED, "audit", user.username)
    ]


@pytest.mark.parametrize("persona", ["association_member", "commissioner", "outsider"])
def test_community_members_and_outsiders_get_403(ward, client, persona):
    client.force_login(getattr(ward, persona))

    assert client.get(AUDIT_URL).status_code == 403
    assert client.post(VERIFY_URL).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(AUDIT_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_ward_officer_sees_the_log_and_the_viewing_is_recorded(ward, officer):
    audit_record(
        actor=ward.shakyo_coordinator,
        action=AuditAction.SEARCH,
        target_type="person",
        target_ids=[ward.people.a1_agreed.pk],
        query="q=たかはし",
    )
    before = last_seq()

    response = officer.get(AUDIT_URL)

    assert response.status_code == 200
    html = response.content.decode()
    for heading in ("日時", "利用者", "操作", "経路", "対象件数", "検索条件", "利用目的", "接続元"):
        assert f">{heading}</th>" in html
    assert "q=たかはし" in html
    assert "shakyo_coordinator" in html
    viewing = AuditEntry.objects.get(seq=before + 1)
    assert (viewing.action, viewing.target_type, viewing.actor_username) == (AuditAction.LIST, "audit", "ward_officer")
    assert viewing.detail == {"total": before, "page": 1}
    assert last_seq() == before + 1


# --- filters --------------------------------------------------------------------------------------------------


def test_filters_by_user_action_person_and_purpose(ward, officer):
    a1, b1 = ward.people.a1_agreed.pk, ward.people.b1_agreed.pk
    viewed_a1 = audit_record(actor=ward.commissioner, action=AuditAction.VIEW, target_type="person", target_ids=[a1])
    searched = audit_record(
        actor=ward.shakyo_coordinator, action=AuditAction.SEARCH, target_type="person", target_ids=[b1, a1]
    )
    exported = audit_record(
        actor=ward.association_member,
        action=AuditAction.EXPORT,
        target_type="person",
        target_ids=[b1],
        purpose=AuditPurpose.WATCH,
    )
    exported_label = audit_record(
        actor=ward.association_member,
        action=AuditAction.EXPORT,
        target_type="person",
        target_ids=[b1],
        purpose=AuditPurpose.WATCH.label,
    )

    by_user = officer.get(AUDIT_URL, {"username": "shakyo"})
    by_action = officer.get(AUDIT_URL, {"action": AuditAction.EXPORT})
    by_person = officer.get(AUDIT_URL, {"person_id": a1})
    by_purpose = officer.get(AUDIT_URL, {"purpose": AuditPurpose.WATCH})
    combined = officer.get(AUDIT_URL, {"action": AuditAction.SEARCH, "person_id": b1, "username": "shakyo"})

    assert shown_seqs(by_user) == [searched.seq]
    assert shown_seqs(by_action) == [exported_label.seq, exported.seq]
    assert shown_seqs(by_person) == [searched.seq, viewed_a1.seq]
    assert shown_seqs(by_purpose) == [exported_label.seq, exported.seq]
    assert shown_seqs(combined) == [searched.seq]
    assert "日常の見守り活動" in by_purpose.content.decode()
    recorded = AuditEntry.objects.filter(target_type="audit").order_by("seq").values_list("query", flat=True)
    assert list(recorded)[-1] == f"username=shakyo action=search person_id={b1}"


def test_person_filter_matches_whole_ids_only(ward):
    for ids in ([5], [15], [51], [3, 5, 7], [150], [505]):
        audit_record(actor=ward.ward_officer, action=AuditAction.VIEW, target_type="person", target_ids=ids)
    audit_record(actor=ward.ward_officer, action=AuditAction.LIST, target_type="audit", detail={"x": 5})

    matched = audit_entry_queryset(filters=AuditFilters(person_id=5))

    assert sorted(e.target_ids for e in matched) == [[3, 5, 7], [5]]


def test_filters_by_date_range_in_japan_time(ward, officer, monkeypatch):
    jst = datetime.timezone(datetime.timedelta(hours=9))
    early = record_at(
        monkeypatch, datetime.datetime(2025, 4, 1, 0, 30, tzinfo=jst), actor=ward.ward_officer, action=AuditAction.VIEW
    )
    inside = record_at(
        monkeypatch, datetime.datetime(2025, 4, 2, 23, 59, tzinfo=jst), actor=ward.ward_officer, action=AuditAction.VIEW
    )
    late = record_at(
        monkeypatch, datetime.datetime(2025, 4, 3, 0, 0, tzinfo=jst), actor=ward.ward_officer, action=AuditAction.VIEW
    )

    both_days = officer.get(AUDIT_URL, {"date_from": "2025-04-01", "date_to": "2025-04-02"})
    second_day = officer.get(AUDIT_URL, {"date_from": "2025-04-02", "date_to": "2025-04-02"})
    from_third = officer.get(AUDIT_URL, {"date_from": "2025-04-03", "action": AuditAction.VIEW})

    assert shown_seqs(both_days) == [inside.seq, early.seq]
    assert shown_seqs(second_day) == [inside.seq]
    assert shown_seqs(from_third) == [late.seq]


def test_reversed_dates_are_refused_with_a_message_and_nothing_is_listed(ward, officer):
    before = last_seq()

    response = officer.get(AUDIT_URL, {"date_from": "2025-04-02", "date_to": "2025-04-01"})

    assert response.status_code == 200
    assert str(views.DATE_ORDER_MESSAGE) in response.content.decode()
    assert response.context["page"] is None
    assert last_seq() == before  # nothing was shown, so nothing is recorded


def test_log_is_paged_and_queries_do_not_grow_with_the_page(ward, officer):
    first_view = last_seq() + 1  # the fixture's roster build already wrote an entry
    for i in range(AUDIT_PAGE_SIZE + 5):
        audit_record(actor=ward.ward_officer, action=AuditAction.VIEW, target_type="person", target_ids=[i + 1])
    newest = last_seq()
    officer.get(AUDIT_URL, {"action": AuditAction.VIEW})  # warm up the session

    with CaptureQueriesContext(connection) as full_page:
        first = officer.get(AUDIT_URL, {"action": AuditAction.VIEW})
    with CaptureQueriesContext(connection) as short_page:
        second = officer.get(AUDIT_URL, {"page": 2, "action": AuditAction.VIEW})

    assert shown_seqs(first) == list(range(newest, newest - AUDIT_PAGE_SIZE, -1))
    assert shown_seqs(second) == list(range(first_view + 4, first_view - 1, -1))
    html = second.content.decode()
    assert "?page=1&amp;action=view" in html  # the filters survive paging
    assert len(full_page.captured_queries) == len(short_page.captured_queries) <= 40


def test_every_control_on_the_audit_page_has_a_label(ward, officer):
    html = officer.get(AUDIT_URL, {"username": "x"}).content.decode()

    assert 'name="person_id"' in html
    assert unlabelled_controls(html) == []


# --- the chain check ------------------------------------------------------------------------------------------


def test_verify_reports_a_clean_chain(ward, officer):
    for _ in range(3):
        audit_record(actor=ward.ward_officer, action=AuditAction.VIEW)
    checked = last_seq()

    response = officer.post(VERIFY_URL, follow=True)

    assert response.redirect_chain == [(AUDIT_URL, 302)]
    html = response.content.decode()
    assert views.VERIFY_OK_MESSAGE % {"checked": checked} in html
    assert "監査ログの検査" in html  # the check itself is listed, under its own label
    check = AuditEntry.objects.get(seq=checked + 1)
    assert (check.action, check.target_type, check.detail) == (
        AuditAction.LIST,
        "audit_verify",
        {"checked": checked, "problems": 0},
    )


def test_verify_reports_the_altered_entry(ward, officer):
    entries = [audit_record(actor=ward.ward_officer, action=AuditAction.VIEW, query=f"q{i}") for i in range(3)]
    altered = entries[1]
    drop_audit_triggers(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET query = %s WHERE seq = %s", ["書き換え", altered.seq])
    install_audit_triggers(connection)
    checked = last_seq()

    response = officer.post(VERIFY_URL, follow=True)

    html = response.content.decode()
    assert views.VERIFY_PROBLEMS_MESSAGE % {"checked": checked, "count": 1} in html
    assert (
        views.VERIFY_PROBLEM_LINE
        % {"seq": altered.seq, "message": "記録の内容が書き換えられています（ハッシュ不一致）。"}
        in html
    )
    assert views.VERIFY_OK_MESSAGE % {"checked": checked} not in html


def test_verify_needs_post(ward, officer):
    assert officer.get(VERIFY_URL).status_code == 405


def test_verify_reports_a_tail_cut_off_with_the_head_moved_back(ward, officer):
    """Issue 6, item 9: the checkpoint kept outside the database still knows where the log ended."""
    entries = [audit_record(actor=ward.ward_officer, action=AuditAction.VIEW, query=f"q{i}") for i in range(3)]
    tamper("DELETE FROM audit_auditentry WHERE seq > %s", [entries[0].seq])
    tamper("UPDATE audit_audithead SET seq = %s, hash = %s WHERE id = 1", [entries[0].seq, entries[0].hash])

    response = officer.post(VERIFY_URL, follow=True)

    html = response.content.decode()
    assert views.VERIFY_PROBLEMS_MESSAGE % {"checked": entries[0].seq, "count": 1} in html
    lost = str(CHECKPOINT_TAIL_LOST_MESSAGE) % {"checkpoint": entries[2].seq, "last": entries[0].seq}
    assert views.VERIFY_PROBLEM_LINE % {"seq": entries[2].seq, "message": lost} in html


@pytest.mark.parametrize(
    "url", ["/roster/why/1%00/", "/evacuation/plans/1%00/", "/people/consent/1%00/", "/people/1%00/"]
)
def test_a_control_character_in_a_guessed_id_is_a_404_and_logged_readably(ward, verified_client, url):
    """PostgreSQL refuses NUL in text and JSON: the denied row shows it as U+FFFD instead of failing the page."""
    response = verified_client(ward.ward_officer).get(url)

    assert response.status_code == 404
    denied = AuditEntry.objects.get(action=AuditAction.DENIED)
    assert denied.detail["requested_id"] == "1\ufffd"
