"""The disaster pages as people use them: the ward's events (in force first, drills marked), declaring, starting
and ending an event from the pages (and the 町会 refused), an event's safety list (every person, a status in a
tap, one report per form however often it is sent, conflicts side by side, no forms once the event has ended),
and the live dashboard (counts, the chart, the unconfirmed with their phones, the result of a call, its
refreshing fragment and map) with who may open it; an audit entry for every page that shows persons."""

import datetime
import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tsunagu.audit.models import AuditAction, AuditEntry, AuditTarget
from tsunagu.disaster.forms import LOCAL_INPUT
from tsunagu.disaster.models import DisasterEvent, DisasterKind, SafetyReport, SafetyStatus
from tsunagu.disaster.services import DISASTER_ACCESS, event_declare, event_end, safety_report_record
from tsunagu.organisations.models import MembershipRole, OrganisationKind
from tsunagu.testing.factories import MembershipFactory, OrganisationFactory, UserFactory
from tsunagu.testing.html import main_html, unlabelled_controls
from tsunagu.testing.personas import build_city

HTMX = {"HTTP_HX_REQUEST": "true"}
EVENTS_URL = reverse("disaster:events")
DECLARE_URL = reverse("disaster:declare")


def event_url(event) -> str:
    return reverse("disaster:event", args=[event.pk])


def dashboard_url(event) -> str:
    return reverse("disaster:dashboard", args=[event.pk])


def data_url(event) -> str:
    return reverse("disaster:dashboard_data", args=[event.pk])


def report_url(event, person) -> str:
    return reverse("disaster:report", args=[event.pk, person.pk])


def signed_in(user) -> Client:
    """A client of its own for a community member (no second factor), beside the staff's verified_client."""
    client = Client()
    client.force_login(user)
    return client


def last_seq() -> int:
    entry = AuditEntry.objects.order_by("-seq").first()
    return entry.seq if entry else 0


def entries_after(seq: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=seq).order_by("seq"))


def client_ids(html: str) -> list[str]:
    return re.findall(r'<input type="hidden" name="client_id" value="([^"]+)"', html)


def report(user, event, person, status, *, minutes_ago=0, **kwargs):
    return safety_report_record(
        user=user,
        event_id=event.pk,
        person_id=person.pk,
        status=status,
        observed_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        **kwargs,
    )


def declare(ward, name="大雨", *, districts=None, hours_ago=5, **kwargs):
    return event_declare(
        user=ward.ward_officer,
        name=name,
        kind=DisasterKind.STORM_FLOOD,
        districts=districts or [ward.districts.a],
        started_at=timezone.now() - datetime.timedelta(hours=hours_ago),
        **kwargs,
    )


def member_of(kind: str, name: str):
    user = UserFactory()
    MembershipFactory(user=user, organisation=OrganisationFactory(name=name, kind=kind), role=MembershipRole.STAFF)
    return user


def in_a(ward) -> list:
    p = ward.people
    return [p.a1_agreed, p.a1_refused, p.a2_unanswered, p.a2_agreed]


@pytest.fixture
def event(ward):
    return declare(ward, "大雨（訓練）", is_drill=True)


@pytest.fixture
def officer(ward, verified_client) -> Client:
    return verified_client(ward.ward_officer)


@pytest.fixture
def member(ward) -> Client:
    return signed_in(ward.association_member)


# -- The events -------------------------------------------------------------------------------------------------


def test_the_events_page_lists_the_wards_events_in_force_first_and_marks_drills(ward, officer):
    ended = declare(ward, "去年の地震", hours_ago=400)
    event_end(user=ward.ward_officer, event_id=ended.pk)
    later = declare(ward, "台風の接近", hours_ago=-24)
    now = declare(ward, "総合防災訓練", hours_ago=1, is_drill=True)

    html = main_html(officer.get(EVENTS_URL))

    positions = [html.index(name) for name in ("総合防災訓練", "台風の接近", "去年の地震")]
    assert positions == sorted(positions)  # in force, then declared for later, then ended
    card = html[positions[0] : positions[1]]
    assert "発令中" in card and "訓練" in card
    assert f'href="{reverse("disaster:dashboard", args=[now.pk])}"' in card
    assert f'action="{reverse("disaster:event_end", args=[now.pk])}"' in card
    assert f'action="{reverse("disaster:event_start", args=[later.pk])}"' in html
    assert f'action="{reverse("disaster:event_end", args=[ended.pk])}"' not in html
    assert f'href="{DECLARE_URL}"' in html


def test_the_association_member_sees_the_events_without_commands(ward, event, member):
    html = main_html(member.get(EVENTS_URL))

    assert event.name in html and f'href="{event_url(event)}"' in html
    assert DECLARE_URL not in html
    assert "event_end" not in html and "/end/" not in html
    assert f'href="{dashboard_url(event)}"' not in html


def test_an_event_of_another_ward_is_not_listed_nor_opened(ward, event, verified_client):
    city = build_city(ward)
    client = verified_client(city.ward_officer)

    assert event.name not in main_html(client.get(EVENTS_URL))
    assert client.get(event_url(event)).status_code == 404
    assert client.get(dashboard_url(event)).status_code == 404


def declare_form(ward, **overrides) -> dict:
    return {
        "name": "令和8年台風第10号",
        "kind": DisasterKind.STORM_FLOOD,
        "districts": [str(ward.districts.a.pk), str(ward.districts.b.pk)],
        "start": "now",
        "started_at": "",
        "planned_end_at": "",
        **overrides,
    }


def test_the_declare_form_offers_the_wards_districts_and_every_control_has_a_label(ward, officer):
    html = main_html(officer.get(DECLARE_URL))

    for district in (ward.districts.a, ward.districts.b):
        assert f'value="{district.pk}"' in html and district.name in html
    assert "小学校区" in html  # grouped by kind of district
    assert unlabelled_controls(html) == []


def test_declaring_from_the_page_starts_the_event_and_is_logged(ward, officer):
    before = last_seq()

    response = officer.post(DECLARE_URL, declare_form(ward, is_drill="on"), follow=True)

    assert response.redirect_chain == [(EVENTS_URL, 302)]
    event = DisasterEvent.objects.get()
    assert (event.name, event.kind, event.is_drill, event.declared_by) == (
        "令和8年台風第10号",
        DisasterKind.STORM_FLOOD,
        True,
        ward.ward_officer,
    )
    assert set(event.districts.all()) == {ward.districts.a, ward.districts.b}
    assert event.is_active
    assert "「令和8年台風第10号」を開始しました。" in main_html(response)
    assert [(e.action, e.target_type) for e in entries_after(before)] == [
        (AuditAction.CREATE, AuditTarget.DISASTER_EVENT)
    ]


def test_declaring_for_a_later_time_with_a_planned_end(ward, officer):
    start = (timezone.localtime() + datetime.timedelta(days=1)).replace(second=0, microsecond=0)
    end = start + datetime.timedelta(hours=4)

    officer.post(
        DECLARE_URL,
        declare_form(
            ward, start="at", started_at=start.strftime(LOCAL_INPUT), planned_end_at=end.strftime(LOCAL_INPUT)
        ),
    )

    event = DisasterEvent.objects.get()
    assert (event.started_at, event.planned_end_at) == (start, end)
    assert not event.is_active


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"districts": []}, "対象の地区を1つ以上選んでください。"),
        ({"start": "at"}, "開始日時を入れてください"),
        ({"name": ""}, "災害の名称を入れてください。"),
    ],
)
def test_bad_input_is_shown_in_japanese_and_nothing_typed_is_lost(ward, officer, overrides, message):
    data = declare_form(ward, **{"name": "台風第10号", "planned_end_at": "2099-01-01T10:00", **overrides})

    response = officer.post(DECLARE_URL, data)

    assert response.status_code == 200
    html = main_html(response)
    assert message in html
    if data["name"]:
        assert 'value="台風第10号"' in html
    assert 'value="2099-01-01T10:00"' in html
    assert not DisasterEvent.objects.exists()


def test_a_planned_end_before_the_start_is_refused_by_the_service_on_the_page(ward, officer):
    past = (timezone.localtime() - datetime.timedelta(hours=1)).strftime(LOCAL_INPUT)

    response = officer.post(DECLARE_URL, declare_form(ward, planned_end_at=past))

    assert "終了予定は開始より後にしてください。" in main_html(response)
    assert not DisasterEvent.objects.exists()


def test_the_association_member_may_not_declare_start_or_end(ward, event, member):
    before = last_seq()
    later = declare(ward, "台風の接近", hours_ago=-24)

    responses = [
        member.get(DECLARE_URL),
        member.post(DECLARE_URL, declare_form(ward)),
        member.post(reverse("disaster:event_end", args=[event.pk])),
        member.post(reverse("disaster:event_start", args=[later.pk])),
    ]

    assert [r.status_code for r in responses] == [403] * 4
    assert "災害の開始・終了は、区役所（福祉部門・防災担当）の職員だけができます。" in responses[0].content.decode()
    assert DisasterEvent.objects.count() == 2
    event.refresh_from_db()
    later.refresh_from_db()
    assert event.ended_at is None and not later.is_active
    denied = [e for e in entries_after(before) if e.action == AuditAction.DENIED]
    assert len(denied) == 4


def test_ending_from_the_page_closes_the_event(ward, event, officer):
    response = officer.post(reverse("disaster:event_end", args=[event.pk]), follow=True)

    event.refresh_from_db()
    assert event.ended_at is not None and event.ended_by == ward.ward_officer
    assert "を終了しました。災害時の閲覧は閉じました" in main_html(response)
    again = officer.post(reverse("disaster:event_end", args=[event.pk]), follow=True)
    assert "この災害はすでに終了しています。" in main_html(again)


def test_ending_asks_first_in_plain_words(ward, event, officer):
    html = main_html(officer.get(EVENTS_URL))

    assert "終了する…" in html  # the step that opens the button
    assert "災害時の閲覧はすぐに閉じ" in html


def test_starting_a_drill_declared_for_later(ward, officer):
    later = declare(ward, "総合防災訓練", hours_ago=-24, is_drill=True)

    response = officer.post(reverse("disaster:event_start", args=[later.pk]))

    assert response.status_code == 302 and response["Location"] == event_url(later)
    later.refresh_from_db()
    assert later.is_active


def test_the_menu_page_and_commands_need_a_signed_in_user(event):
    response = Client().get(EVENTS_URL)
    assert response.status_code == 302 and "login" in response["Location"]


# -- An event's safety list -------------------------------------------------------------------------------------


def test_the_event_page_lists_every_person_of_the_users_area_with_a_form_and_is_logged(ward, event, member):
    before = last_seq()

    response = member.get(event_url(event))

    assert response.status_code == 200
    html = main_html(response)
    for person in in_a(ward):  # refused and unanswered consent too: the event opens them
        assert person.full_name in html
    assert ward.people.b1_agreed.full_name not in html  # district B: not this event's
    ids = client_ids(html)
    assert len(ids) == 4 and len(set(ids)) == 4
    for value in ids:
        uuid.UUID(value)
    assert f'hx-post="{report_url(event, ward.people.a1_refused)}"' in html
    for label in ("無事・在宅", "避難済", "要救助・要支援", "連絡つかず"):
        assert f">{label}</button>" in html
    assert unlabelled_controls(html) == []
    entries = entries_after(before)
    assert [(e.action, e.target_type, e.purpose) for e in entries] == [
        (AuditAction.LIST, AuditTarget.SAFETY_REPORT, DISASTER_ACCESS)
    ]
    assert set(entries[0].target_ids) == {p.pk for p in in_a(ward)}


def test_the_unconfirmed_come_first(ward, event, member):
    p = ward.people
    for person in (p.a1_agreed, p.a1_refused, p.a2_agreed):
        report(ward.association_member, event, person, SafetyStatus.SAFE)

    html = main_html(member.get(event_url(event)))

    assert html.index(p.a2_unanswered.full_name) < min(
        html.index(person.full_name) for person in (p.a1_agreed, p.a1_refused, p.a2_agreed)
    )


def test_recording_a_status_in_a_tap_answers_with_the_row_and_a_double_post_stores_one(ward, event, member):
    person = ward.people.a1_refused
    html = main_html(member.get(event_url(event)))
    row = html[html.index(f'id="safety-{person.pk}"') :]
    client_id = client_ids(row)[0]
    data = {"status": SafetyStatus.EVACUATED, "place": "泉尾小学校", "note": "", "client_id": client_id}

    first = member.post(report_url(event, person), data, **HTMX)
    again = member.post(report_url(event, person), data, **HTMX)

    assert (first.status_code, again.status_code) == (200, 200)
    assert SafetyReport.objects.count() == 1
    stored = SafetyReport.objects.get()
    assert (stored.person, stored.status, stored.place, str(stored.client_id)) == (
        person,
        SafetyStatus.EVACUATED,
        "泉尾小学校",
        client_id,
    )
    answer = first.content.decode()
    assert answer.lstrip().startswith(f'<li id="safety-{person.pk}"')
    assert "避難済を記録しました" in answer and "泉尾小学校" in answer
    assert client_ids(answer)[0] != client_id  # the next report gets an id of its own
    assert "この報告はすでに受け付けています" in again.content.decode()


def test_without_javascript_the_form_posts_and_comes_back_to_the_page(ward, event, member):
    person = ward.people.a2_agreed
    data = {"status": SafetyStatus.SAFE, "client_id": str(uuid.uuid4())}

    response = member.post(report_url(event, person), data, follow=True)

    assert response.redirect_chain == [(event_url(event), 302)]
    assert f"{person.full_name}さん：無事・在宅を記録しました。" in main_html(response)
    assert SafetyReport.objects.get().status == SafetyStatus.SAFE


def test_without_javascript_a_refused_report_comes_back_on_the_page_with_what_was_typed(ward, event, member):
    person = ward.people.a2_agreed

    response = member.post(report_url(event, person), {"place": "公民館", "client_id": str(uuid.uuid4())})

    assert response.status_code == 200
    html = main_html(response)
    row = html[html.index(f'<li id="safety-{person.pk}"') :]
    assert "安否を選んでください。" in row[: row.index("</li>")]
    assert 'value="公民館"' in row
    assert not SafetyReport.objects.exists()


def test_a_report_without_a_status_is_refused_in_japanese_and_the_note_is_kept(ward, event, member):
    person = ward.people.a2_agreed

    response = member.post(
        report_url(event, person), {"note": "玄関に張り紙あり", "client_id": str(uuid.uuid4())}, **HTMX
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "安否を選んでください。" in html and 'role="alert"' in html
    assert 'value="玄関に張り紙あり"' in html
    assert not SafetyReport.objects.exists()


def test_a_person_outside_the_users_area_is_404_and_stores_nothing(ward, event, member):
    response = member.post(
        report_url(event, ward.people.b1_agreed), {"status": "safe", "client_id": str(uuid.uuid4())}, **HTMX
    )

    assert response.status_code == 404
    assert not SafetyReport.objects.exists()


def test_conflicting_reports_are_flagged_side_by_side_with_who_and_when(ward, event, member):
    person = ward.people.a2_agreed
    report(ward.association_member, event, person, SafetyStatus.SAFE, minutes_ago=10, note="声かけで応答あり")
    report(ward.ward_officer, event, person, SafetyStatus.NEEDS_HELP, minutes_ago=5, note="隣人から通報")

    html = main_html(member.get(event_url(event)))

    start = html.index(f'<li id="safety-{person.pk}"')
    row = html[start : html.index("</li>\n<li", start) if "</li>\n<li" in html[start:] else None]
    assert 'class="card safety-card safety-card--conflict"' in row
    assert "報告が食い違っています" in row
    conflict = row[row.index('class="conflict"') :]
    assert "要救助・要支援" in conflict and "無事・在宅" in conflict
    assert "声かけで応答あり" in conflict and "隣人から通報" in conflict
    assert "association_member" in conflict and "ward_officer" in conflict
    # The persons without a conflict carry no flag.
    assert html.count("報告が食い違っています") == 1


def test_the_history_of_a_person_is_there_to_expand(ward, event, member):
    person = ward.people.a1_agreed
    report(ward.association_member, event, person, SafetyStatus.ABSENT, minutes_ago=60)
    report(ward.association_member, event, person, SafetyStatus.SAFE, minutes_ago=5, place="自宅")

    html = main_html(member.get(event_url(event)))

    assert "報告の履歴（2件）" in html
    history = html[html.index("報告の履歴（2件）") :]
    assert history.index("無事・在宅") < history.index("不在")  # newest first


def test_an_ended_event_shows_no_forms_and_says_so(ward, event, officer, member):
    report(ward.association_member, event, ward.people.a1_agreed, SafetyStatus.SAFE)
    event_end(user=ward.ward_officer, event_id=event.pk)

    staff = main_html(officer.get(event_url(event)))
    community = main_html(member.get(event_url(event)))

    for html in (staff, community):
        assert "に終了しました。" in html
        assert 'class="report-form"' not in html and client_ids(html) == []
        assert "/end/" not in html  # nothing left to end
    assert ward.people.a1_agreed.full_name in staff  # the ward keeps its record
    assert ward.people.a1_agreed.full_name not in community  # the access closed with the event
    assert "災害の終了とともに、名簿の方の閲覧は閉じました。" in community


def test_an_event_declared_for_later_has_no_forms_yet(ward, officer):
    later = declare(ward, "台風の接近", hours_ago=-24)

    html = main_html(officer.get(event_url(later)))

    assert "この災害はまだ始まっていません。" in html
    assert client_ids(html) == []


# -- The live dashboard -----------------------------------------------------------------------------------------


@pytest.fixture
def reported(ward, event):
    p = ward.people
    p.a2_unanswered.phone = "06-6551-0001"
    p.a2_unanswered.save(update_fields=["phone"])
    p.a2_agreed.phone = "06-6551-0002"
    p.a2_agreed.save(update_fields=["phone"])
    report(ward.association_member, event, p.a1_agreed, SafetyStatus.SAFE, minutes_ago=130)
    report(ward.association_member, event, p.a1_refused, SafetyStatus.NEEDS_HELP, minutes_ago=20)
    report(ward.ward_officer, event, p.a1_refused, SafetyStatus.SAFE, minutes_ago=15)  # a conflict
    report(ward.association_member, event, p.a2_agreed, SafetyStatus.UNREACHABLE, minutes_ago=5)
    return event


def stat(html: str, label: str) -> str:
    match = re.search(rf'<span class="stat__label">{label}</span><span class="stat__value">(\d+)</span>', html)
    assert match, f"no figure for {label}"
    return match.group(1)


def test_the_dashboard_shows_the_counts_the_chart_and_the_unconfirmed_with_their_phones(ward, reported, officer):
    before = last_seq()

    response = officer.get(dashboard_url(reported))

    assert response.status_code == 200
    html = main_html(response)
    assert (stat(html, "対象の方"), stat(html, "確認済み"), stat(html, "無事・在宅")) == ("4", "2", "2")
    assert (stat(html, "未確認"), stat(html, "連絡つかず"), stat(html, "報告の食い違い")) == ("1", "1", "1")
    assert "50.0%" in html
    # The chart: an image with a title and a description, and the same figures as a table.
    assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html
    assert "<polyline" in html and "時間帯ごとの確認の数と確認率" in html
    # The unconfirmed (連絡つかず included) with their phone numbers, and buttons for the result of a call.
    unconfirmed = html[html.index('id="dashboard-unconfirmed"') :]
    assert "未確認の方（2人）" in unconfirmed
    for person, phone in ((ward.people.a2_unanswered, "06-6551-0001"), (ward.people.a2_agreed, "06-6551-0002")):
        assert person.full_name in unconfirmed
        assert f'href="tel:{phone}"' in unconfirmed
    assert ward.people.a1_agreed.full_name not in unconfirmed
    assert len(client_ids(unconfirmed)) == 2
    assert 'name="view" value="dashboard"' in unconfirmed
    assert ">連絡つかず</button>" in unconfirmed and ">要救助・要支援</button>" in unconfirmed
    # It refreshes itself every 5 seconds without reloading the page.
    assert f'hx-get="{data_url(reported)}"' in html and 'hx-trigger="every 5s"' in html
    assert unlabelled_controls(html) == []
    lists = [e for e in entries_after(before) if e.action == AuditAction.LIST]
    assert [(e.target_type, e.purpose) for e in lists] == [(AuditTarget.SAFETY_REPORT, DISASTER_ACCESS)]
    assert set(lists[0].target_ids) == {ward.people.a2_unanswered.pk, ward.people.a2_agreed.pk}


def test_the_refreshing_fragment_has_the_figures_and_the_list_out_of_band_and_is_logged(ward, reported, officer):
    before = last_seq()

    response = officer.get(data_url(reported), **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert stat(html, "未確認") == "1" and "50.0%" in html
    assert 'id="dashboard-unconfirmed"' in html and 'hx-swap-oob="true"' in html
    assert 'href="tel:06-6551-0001"' in html
    assert [(e.action, e.purpose) for e in entries_after(before)] == [(AuditAction.LIST, DISASTER_ACCESS)]


def test_the_fragment_leaves_the_list_out_while_it_is_unchanged(ward, reported, officer):
    page = main_html(officer.get(dashboard_url(reported)))
    since = re.search(r'name="since" id="dashboard-since" value="([0-9a-f]+)"', page).group(1)
    assert 'hx-include="#dashboard-since"' in page

    unchanged = officer.get(data_url(reported), {"since": since}, **HTMX).content.decode()
    report(ward.association_member, reported, ward.people.a2_unanswered, SafetyStatus.ABSENT)
    changed = officer.get(data_url(reported), {"since": since}, **HTMX).content.decode()

    assert stat(unchanged, "未確認") == "1" and "dashboard-unconfirmed" not in unchanged
    assert stat(changed, "不在") == "1" and 'id="dashboard-unconfirmed"' in changed


def test_the_fragment_opened_by_itself_is_the_dashboard(ward, reported, officer):
    response = officer.get(data_url(reported))

    assert response.status_code == 302 and response["Location"] == dashboard_url(reported)


def test_the_dashboard_of_one_district(ward, verified_client):
    event = declare(ward, "地震", districts=[ward.districts.a, ward.districts.b])
    client = verified_client(ward.ward_officer)

    html = main_html(client.get(f"{dashboard_url(event)}?district={ward.districts.b.pk}"))

    assert stat(html, "対象の方") == "3"
    assert f"安否の集計（{ward.districts.b.name}）" in html
    assert f"?district={ward.districts.b.pk}" in html  # the refresh asks for the same district
    assert ward.people.a1_agreed.full_name not in html


def test_a_caller_records_the_result_of_a_call_from_the_list(ward, reported, officer):
    person = ward.people.a2_unanswered
    html = main_html(officer.get(dashboard_url(reported)))
    row = html[html.index(f'id="call-{person.pk}"') :]
    data = {"status": SafetyStatus.UNREACHABLE, "client_id": client_ids(row)[0], "view": "dashboard", "note": "留守電"}

    first = officer.post(report_url(reported, person), data, **HTMX)
    again = officer.post(report_url(reported, person), data, **HTMX)

    assert SafetyReport.objects.filter(person=person).count() == 1
    answer = first.content.decode()
    assert answer.lstrip().startswith(f'<tr id="call-{person.pk}"')
    assert "記録しました。" in answer and "連絡つかず" in answer
    assert client_ids(answer)  # still unconfirmed: the buttons stay for the next call
    assert "この報告はすでに受け付けています。" in again.content.decode()

    safe = officer.post(
        report_url(reported, person),
        {"status": SafetyStatus.SAFE, "client_id": str(uuid.uuid4()), "view": "dashboard"},
        **HTMX,
    ).content.decode()
    assert "確認済みになったので、次の更新で一覧から外れます。" in safe
    assert client_ids(safe) == []
    assert (
        person.full_name not in main_html(officer.get(dashboard_url(reported))).split('id="dashboard-unconfirmed"')[1]
    )


def test_the_map_answers_the_unconfirmed_with_a_position(ward, reported, officer):
    person = ward.people.a2_unanswered
    person.latitude, person.longitude = 34.662, 135.476
    person.save(update_fields=["latitude", "longitude"])

    response = officer.get(reverse("disaster:dashboard_map", args=[reported.pk]))

    data = response.json()
    assert response["Cache-Control"] == "no-store"
    assert [f["properties"]["name"] for f in data["features"]] == [person.full_name]
    assert data["features"][0]["geometry"]["coordinates"] == [135.476, 34.662]


@pytest.mark.parametrize("persona", ["association_member", "commissioner", "shakyo_coordinator"])
def test_the_dashboard_is_refused_to_those_who_do_not_run_the_event(ward, reported, persona, verified_client):
    user = getattr(ward, persona)
    client = verified_client(user) if persona == "shakyo_coordinator" else signed_in(user)
    before = last_seq()
    person = ward.people.a2_unanswered

    responses = [
        client.get(dashboard_url(reported)),
        client.get(data_url(reported), **HTMX),
        client.get(reverse("disaster:dashboard_map", args=[reported.pk])),
        client.post(
            report_url(reported, person),
            {"status": "safe", "client_id": str(uuid.uuid4()), "view": "dashboard"},
            **HTMX,
        ),
    ]

    assert [r.status_code for r in responses] == [403] * 4
    assert person.full_name not in responses[0].content.decode()
    assert "安否確認のダッシュボードは" in responses[0].content.decode()
    assert [e.action for e in entries_after(before)] == [AuditAction.DENIED] * 4
    assert not SafetyReport.objects.filter(person=person).exists()


def test_the_ward_disaster_section_and_the_fire_service_open_the_dashboard(ward, reported, verified_client):
    bousai = member_of(OrganisationKind.WARD_DISASTER, "大正区役所 防災担当")
    fire = member_of(OrganisationKind.FIRE, "大正消防署")

    staff = verified_client(bousai).get(dashboard_url(reported))
    responder = signed_in(fire).get(dashboard_url(reported))

    assert (staff.status_code, responder.status_code) == (200, 200)
    assert stat(main_html(responder), "対象の方") == "4"


def test_an_ended_events_dashboard_lists_the_unconfirmed_without_buttons(ward, reported, officer):
    event_end(user=ward.ward_officer, event_id=reported.pk)

    html = main_html(officer.get(dashboard_url(reported)))

    assert "に終了しました。" in html
    assert 'href="tel:06-6551-0001"' in html
    assert client_ids(html) == [] and "電話の結果</th>" not in html


def test_an_unknown_event_is_404_and_logged(ward, officer):
    before = last_seq()

    responses = [officer.get("/disaster/events/abc/"), officer.get("/disaster/events/999999/dashboard/")]

    assert [r.status_code for r in responses] == [404, 404]
    assert [e.action for e in entries_after(before)] == [AuditAction.DENIED] * 2


def test_everyone_signed_in_finds_the_disaster_pages_in_the_menu(ward):
    """The menu's 「災害・安否確認」 leads to the events: in a disaster a supporter must find it without help."""
    page = signed_in(ward.association_member).get("/").content.decode()
    menu = re.search(r'<nav class="site-nav".*?</nav>', page, re.S).group(0)

    assert f'<a href="{reverse("disaster:events")}"' in menu
    assert "災害・安否確認" in menu
