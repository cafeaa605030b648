"""The after-action report of an event as the ward uses it: the confirmation rate per district and hour, who was
never reached, the shelters' occupancy hour by hour, the timeline; the page, the PDF (Japanese text, page
numbers, 訓練) and the workbook; who may have it (the ward's staff, the professionals for their own districts) and
who is refused; the download logged with the persons it names."""

import datetime
import io
import re
import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from tsunagu.audit.models import AuditAction, AuditEntry, AuditTarget
from tsunagu.disaster.models import DisasterKind, SafetyStatus, ShelterOpening
from tsunagu.disaster.report_xlsx import render_report_xlsx
from tsunagu.disaster.selectors.report import JAPAN, MAX_ROWS, event_report
from tsunagu.disaster.services import DISASTER_ACCESS, event_declare, event_end, safety_report_record
from tsunagu.disaster.services.shelters import shelter_arrival_record, shelter_departure_record, shelter_open
from tsunagu.organisations.models import MembershipRole, OrganisationKind
from tsunagu.shelters.models import Shelter
from tsunagu.testing.factories import MembershipFactory, OrganisationFactory, UserFactory
from tsunagu.testing.html import main_html
from tsunagu.testing.personas import build_city, list_on_roster

NAME = "大正区 水害対応訓練"


def member_of(kind: str, name: str):
    user = UserFactory()
    MembershipFactory(user=user, organisation=OrganisationFactory(name=name, kind=kind), role=MembershipRole.STAFF)
    return user


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def urls(event) -> dict[str, str]:
    return {
        "page": reverse("disaster:event_report", args=[event.pk]),
        "pdf": reverse("disaster:event_report_pdf", args=[event.pk]),
        "xlsx": reverse("disaster:event_report_xlsx", args=[event.pk]),
    }


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


@pytest.fixture
def scene(ward):
    """A drill over districts A (4 listed persons) and B (3), begun a little after the hour S five hours ago:

    - S+0:30 髙橋 (A) 無事; b1_agreed (B) 連絡つかず
    - S+1:30 a1_refused (A) and, at S+1:40, b1_refused (B) arrive at 泉尾小学校 (避難済; capacity 2);
             a2_agreed (A) 連絡つかず
    - S+2:30 b1_agreed 無事; a2_unanswered (A) 不在; S+2:45 b1_refused leaves the shelter (no new status)
    - S+3:10 髙橋 不在 (went out: reached once, so not among those never reached)
    - b1_unanswered (B): no report. The event is then ended."""
    now = timezone.now()
    hour = timezone.localtime(now - datetime.timedelta(hours=5), JAPAN).replace(minute=0, second=0, microsecond=0)
    event = event_declare(
        user=ward.ward_officer,
        name=NAME,
        kind=DisasterKind.STORM_FLOOD,
        districts=[ward.districts.a, ward.districts.b],
        started_at=hour + datetime.timedelta(minutes=5),
        is_drill=True,
    )
    people = ward.people
    officer = ward.ward_officer

    def at(h, m):
        return hour + datetime.timedelta(hours=h, minutes=m)

    def report(person, status, when, **kwargs):
        safety_report_record(
            user=officer, event_id=event.pk, person_id=person.pk, status=status, observed_at=when, **kwargs
        )

    shelter = Shelter.objects.create(code="S-IZUO", name="泉尾小学校", name_kana="イズオショウガッコウ", capacity=2)
    shelter_open(user=officer, event_id=event.pk, shelter_id=shelter.pk)
    ShelterOpening.objects.filter(event=event).update(opened_at=at(1, 0))

    report(people.a1_agreed, SafetyStatus.SAFE, at(0, 30))
    report(people.b1_agreed, SafetyStatus.UNREACHABLE, at(0, 30), note='=HYPERLINK("http://x")')
    shelter_arrival_record(
        user=officer, event_id=event.pk, shelter_id=shelter.pk, person_id=people.a1_refused.pk, arrived_at=at(1, 30)
    )
    stay = shelter_arrival_record(
        user=officer, event_id=event.pk, shelter_id=shelter.pk, person_id=people.b1_refused.pk, arrived_at=at(1, 40)
    )
    report(people.a2_agreed, SafetyStatus.UNREACHABLE, at(1, 30))
    report(people.b1_agreed, SafetyStatus.SAFE, at(2, 30))
    report(people.a2_unanswered, SafetyStatus.ABSENT, at(2, 30), place="自宅")
    shelter_departure_record(user=officer, event_id=event.pk, stay_id=stay.pk, departed_at=at(2, 45))
    report(people.a1_agreed, SafetyStatus.ABSENT, at(3, 10))
    event_end(user=officer, event_id=event.pk)
    event.refresh_from_db()
    return event


def never_reached_ids(ward) -> set[int]:
    p = ward.people
    return {p.a2_agreed.pk, p.a2_unanswered.pk, p.b1_unanswered.pk}


# --- what the report counts ------------------------------------------------------------------------------------


def test_the_confirmation_rate_per_district_at_the_end_of_each_hour(ward, scene):
    report = event_report(user=ward.ward_officer, event_id=scene.pk)

    assert [d.district.name for d in report.districts] == ["泉尾小学校区", "北恩加島小学校区"]
    assert report.total == 7 and report.whole
    assert report.hours[0].start == timezone.localtime(scene.started_at, JAPAN).replace(minute=0)
    rates = [[round(r, 3) for r in h.district_rates] for h in report.hours]
    assert rates[:4] == [[0.25, 0.0], [0.5, 0.333], [0.5, 0.667], [0.5, 0.667]]
    assert rates[-1] == [0.5, 0.667]
    assert [h.new_confirmed for h in report.hours[:4]] == [1, 2, 1, 0]
    assert [h.confirmed for h in report.hours[:3]] == [1, 3, 4]
    assert round(report.hours[2].rate, 3) == round(4 / 7, 3)
    # Reports by the hour they were observed in; all were received now (the last hour).
    assert [h.observed for h in report.hours[:4]] == [2, 3, 2, 1]
    assert sum(h.received for h in report.hours) == report.reports_total == 8
    assert report.hours[-1].received == 8


def test_the_district_summary_and_the_counts_at_the_end(ward, scene):
    report = event_report(user=ward.ward_officer, event_id=scene.pk)

    a, b = report.districts
    assert (a.total, a.confirmed, a.not_reached, a.unreported) == (4, 2, 2, 0)
    assert (b.total, b.confirmed, b.not_reached, b.unreported) == (3, 2, 0, 1)
    # By the last report: 髙橋 went out after saying 無事 (still reached), b1_refused left the shelter without a
    # new status (still 避難済).
    assert report.counts[SafetyStatus.SAFE] == 1
    assert report.counts[SafetyStatus.ABSENT] == 2
    assert report.counts[SafetyStatus.EVACUATED] == 2
    assert report.counts[SafetyStatus.UNREACHABLE] == 1
    assert report.counts[SafetyStatus.UNCONFIRMED] == 1
    assert (report.confirmed, report.not_reached, report.unreported) == (4, 2, 1)


def test_who_was_never_reached(ward, scene):
    report = event_report(user=ward.ward_officer, event_id=scene.pk, names=True)

    rows = {row.person.pk: row for row in report.never_reached}
    assert set(rows) == never_reached_ids(ward)  # only 連絡つかず, only 不在, or no report at all
    assert ward.people.a1_agreed.pk not in rows  # 無事 (then 不在: went out)
    assert ward.people.b1_agreed.pk not in rows  # 連絡つかず, then 無事
    assert rows[ward.people.a2_agreed.pk].status == SafetyStatus.UNREACHABLE
    assert rows[ward.people.a2_unanswered.pk].last.place == "自宅"
    assert rows[ward.people.b1_unanswered.pk].last is None
    assert rows[ward.people.b1_unanswered.pk].districts == "北恩加島小学校区"
    assert report.never_reached_total == report.never_reached_named == 3


def test_the_shelters_occupancy_hour_by_hour_against_capacity(ward, scene):
    report = event_report(user=ward.ward_officer, event_id=scene.pk)

    (use,) = report.shelters
    assert use.shelter.name == "泉尾小学校" and use.capacity == 2
    assert use.occupancy[:4] == [0, 2, 1, 1]
    assert use.occupancy[-1] == use.final == 1
    assert (use.arrivals, use.peak, use.peak_rate) == (2, 2, 1.0)
    assert timezone.localtime(use.peak_at).minute == 40
    assert len(use.openings) == 1 and use.openings[0][1] is None  # still open


def test_the_timeline(ward, scene):
    report = event_report(user=ward.ward_officer, event_id=scene.pk)

    labels = [str(m.label) for m in report.moments]
    assert labels[0] == "開始"  # declared for a start a few minutes earlier: the start comes first
    assert {"災害を登録", "終了", "避難所を開設：泉尾小学校", "最初の安否の報告を受付"} <= set(labels)
    assert labels.index("避難所を開設：泉尾小学校") < labels.index("終了")
    ended = next(m for m in report.moments if str(m.label) == "終了")
    assert ended.at == scene.ended_at and ended.by == str(ward.ward_officer)


def test_a_roster_build_made_after_the_event_does_not_change_its_report(ward, scene):
    list_on_roster([ward.people.a1_agreed], number=2)

    report = event_report(user=ward.ward_officer, event_id=scene.pk)

    assert report.build.number == 1
    assert (report.total, report.confirmed, report.never_reached_total) == (7, 4, 3)


def test_a_long_event_is_shown_in_steps_of_several_hours(ward):
    event = event_declare(
        user=ward.ward_officer,
        name="長期の浸水",
        kind=DisasterKind.STORM_FLOOD,
        districts=[ward.districts.a],
        started_at=timezone.now() - datetime.timedelta(days=10),
    )
    report = event_report(user=ward.ward_officer, event_id=event.pk)
    assert report.step_hours == 2
    assert len(report.hours) <= MAX_ROWS
    assert report.hours[-1].end >= timezone.now()


def test_an_event_not_yet_begun_has_an_empty_report(verified_client, ward, tmp_path):
    later = timezone.now() + datetime.timedelta(hours=3)
    event = event_declare(
        user=ward.ward_officer,
        name="台風の接近",
        kind=DisasterKind.STORM_FLOOD,
        districts=[ward.districts.b],
        started_at=later,
    )
    report = event_report(user=ward.ward_officer, event_id=event.pk)
    assert (report.state, report.hours, report.total, report.never_reached_total) == ("upcoming", [], 3, 3)

    client = verified_client(ward.ward_officer)
    assert "まだ始まっていません" in main_html(client.get(urls(event)["page"]))
    assert "開始前" in pdf_text(client.get(urls(event)["pdf"]).content, tmp_path)
    assert client.get(urls(event)["xlsx"]).status_code == 200


# --- the page and the downloads ----------------------------------------------------------------------------------


def test_the_page_shows_the_summary_and_the_download_buttons_but_no_names(verified_client, ward, scene):
    client = verified_client(ward.ward_officer)
    before = AuditEntry.objects.filter(action=AuditAction.EXPORT).count()

    response = client.get(urls(scene)["page"])

    assert response.status_code == 200
    html = main_html(response)
    assert NAME in html and "訓練" in html
    assert urls(scene)["pdf"] in html and urls(scene)["xlsx"] in html
    assert "泉尾小学校区" in html and "50.0%" in html and "66.7%" in html
    assert "泉尾小学校" in html
    assert ward.people.a2_agreed.full_name not in html
    assert 'role="region"' in html and 'tabindex="0"' in html
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).count() == before


def test_the_pdf_is_a_japanese_a4_report_with_page_numbers(verified_client, ward, scene, tmp_path):
    response = verified_client(ward.ward_officer).get(urls(scene)["pdf"])

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"] and ".pdf" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content, tmp_path)
    assert NAME in text and "【訓練】" in text
    for heading in ("経過", "確認率の推移", "地区別の確認状況", "避難所の利用状況", "連絡がつかなかった方"):
        assert heading in text
    assert "泉尾小学校区" in text and "66.7%" in text
    assert ward.people.a2_agreed.full_name.replace("\u3000", "") in text.replace(" ", "").replace("\u3000", "")
    assert "取扱注意" in text
    pages = int(re.search(r"\b1\s*/\s*(\d+)", text).group(1))
    assert pages >= 2 and re.search(rf"\b{pages}\s*/\s*{pages}\b", text)


def test_the_workbook_has_a_sheet_per_part_with_the_values(verified_client, ward, scene):
    response = verified_client(ward.ward_officer).get(urls(scene)["xlsx"])

    assert response.status_code == 200
    assert ".xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "概要",
        "経過",
        "時間ごとの確認率",
        "地区別",
        "避難所",
        "避難所の人数（時間ごと）",
        "連絡がつかなかった方",
    ]
    assert f"{NAME}（訓練）" in book["概要"]["A1"].value

    def table(name):
        rows = list(book[name].iter_rows(values_only=True))
        start = next(i for i, row in enumerate(rows) if i > 0 and row[0] is None) + 1
        return rows[start], rows[start + 1 :]

    headers, rows = table("時間ごとの確認率")
    a = headers.index("確認率：泉尾小学校区")
    b = headers.index("確認率：北恩加島小学校区")
    assert [(round(r[a], 3), round(r[b], 3)) for r in rows[:3]] == [(0.25, 0.0), (0.5, 0.333), (0.5, 0.667)]
    assert isinstance(rows[0][0], datetime.datetime)
    assert book["時間ごとの確認率"].cell(row=len(rows), column=a + 1).number_format == "0.0%"

    headers, rows = table("地区別")
    assert rows[0][1:7] == ("泉尾小学校区", 4, 2, 0.5, 2, 0)

    headers, rows = table("避難所の人数（時間ごと）")
    assert headers[1] == "泉尾小学校（定員2）"
    assert [r[1] for r in rows[:4]] == [0, 2, 1, 1]

    headers, rows = table("連絡がつかなかった方")
    names = {r[0] for r in rows}
    assert names == {getattr(ward.people, k).full_name for k in ("a2_agreed", "a2_unanswered", "b1_unanswered")}
    assert ward.people.a1_agreed.full_name not in names


def test_the_files_are_japanese_whatever_the_interface_language(ward, scene):
    with translation.override("en"):
        report = event_report(user=ward.ward_officer, event_id=scene.pk, names=True)
        book = load_workbook(io.BytesIO(render_report_xlsx(report)))
    events = [row[1] for row in book["経過"].iter_rows(min_row=4, values_only=True)]
    assert "避難所を開設：泉尾小学校" in events and "終了" in events
    assert ("安否：連絡つかず", 1) in list(book["概要"].iter_rows(values_only=True))


def test_text_typed_by_people_never_becomes_a_formula(verified_client, ward, scene):
    event = event_declare(user=ward.ward_officer, name="=1+1", kind=DisasterKind.FIRE, districts=[ward.districts.b])
    safety_report_record(
        user=ward.ward_officer,
        event_id=event.pk,
        person_id=ward.people.b1_unanswered.pk,
        status=SafetyStatus.UNREACHABLE,
        note="=cmd|' /C calc'!A0",
    )
    response = verified_client(ward.ward_officer).get(urls(event)["xlsx"])
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["連絡がつかなかった方"]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert book["概要"]["A1"].value.endswith("=1+1")


def test_the_download_is_logged_with_the_persons_it_names(verified_client, ward, scene):
    client = verified_client(ward.ward_officer)
    for kind in ("pdf", "xlsx"):
        client.get(urls(scene)[kind])

    entries = list(AuditEntry.objects.filter(action=AuditAction.EXPORT).order_by("seq"))
    assert len(entries) == 2
    for entry, kind in zip(entries, ("pdf", "xlsx"), strict=True):
        assert entry.target_type == AuditTarget.SAFETY_REPORT
        assert entry.purpose == DISASTER_ACCESS
        assert set(entry.target_ids) == never_reached_ids(ward)
        assert entry.detail["event"] == scene.pk and entry.detail["format"] == kind
        assert entry.actor_id_value == ward.ward_officer.pk


# --- who may have it -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["association_member", "commissioner", "outsider", "ward_clerk"])
def test_community_members_and_others_are_refused_and_logged(verified_client, ward, scene, persona):
    user = getattr(ward, persona)
    # Staff (the ward's other sections) sign in with a second factor.
    client = verified_client(user) if persona == "ward_clerk" else signed_in(user)
    for url in urls(scene).values():
        response = client.get(url)
        assert response.status_code == 403, url
        assert NAME not in response.content.decode()
    denied = AuditEntry.objects.filter(action=AuditAction.DENIED, target_type=AuditTarget.DISASTER_EVENT)
    assert denied.count() == 3
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_fire_and_police_are_refused(ward, scene):
    for user in (member_of(OrganisationKind.FIRE, "大正消防署"), member_of(OrganisationKind.POLICE, "大正警察署")):
        assert signed_in(user).get(urls(scene)["pdf"]).status_code == 403


def test_the_disaster_section_gets_the_whole_report_but_no_names_once_the_event_is_over(verified_client, ward, scene):
    bousai = member_of(OrganisationKind.WARD_DISASTER, "大正区役所 防災担当")
    report = event_report(user=bousai, event_id=scene.pk, names=True)
    assert report.total == 7 and report.confirmed == 4
    assert report.never_reached == [] and report.never_reached_hidden == 3

    response = verified_client(bousai).get(urls(scene)["xlsx"])
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.target_ids == [] and entry.detail["never_reached"] == 3


def test_a_professional_gets_the_report_of_their_own_districts(verified_client, ward, scene, tmp_path):
    # 社協 serves district A only.
    report = event_report(user=ward.shakyo_coordinator, event_id=scene.pk, names=True)
    assert not report.whole
    assert report.total == 4
    assert {row.person.pk for row in report.never_reached} == {ward.people.a2_agreed.pk, ward.people.a2_unanswered.pk}
    assert report.districts[1].total == 0  # district B: none of theirs

    response = verified_client(ward.shakyo_coordinator).get(urls(scene)["pdf"])
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    assert "担当する地区" in text
    assert ward.people.b1_unanswered.full_name.replace("\u3000", "") not in text.replace(" ", "").replace("\u3000", "")


def test_a_professional_who_sees_none_of_the_events_persons_is_refused(verified_client, ward):
    event = event_declare(user=ward.ward_officer, name="火災", kind=DisasterKind.FIRE, districts=[ward.districts.a])
    # The care plaza serves district B.
    assert verified_client(ward.care_plaza_worker).get(urls(event)["page"]).status_code == 403


def test_another_wards_event_is_404_and_logged(verified_client, ward, scene):
    city = build_city(ward)
    client = verified_client(city.ward_officer)
    for url in urls(scene).values():
        assert client.get(url).status_code == 404
    assert verified_client(ward.ward_officer).get("/disaster/events/abc/report/").status_code == 404
    assert AuditEntry.objects.filter(action=AuditAction.DENIED, target_type=AuditTarget.DISASTER_EVENT).count() == 4
