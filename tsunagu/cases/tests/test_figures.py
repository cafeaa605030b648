"""The case timeline, the caseload dashboards (only cases the viewer may see) and the area issues (the whole ward's
cases, suppressed under 5 with complements, exported as CSV and Excel, for VIEW_AREA_FIGURES holders only)."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from openpyxl import load_workbook

from tsunagu.audit.models import AuditEntry
from tsunagu.cases.models import Case, ReferralEvent
from tsunagu.cases.selectors import case_timeline
from tsunagu.cases.selectors.area import HIDDEN_MARK, area_issues, area_rows
from tsunagu.cases.selectors.dashboards import agency_caseload, agency_workers, worker_caseload
from tsunagu.cases.services import case_open, outreach_create, referral_create, referral_transition
from tsunagu.testing.tables import derivable

from .conftest import intake

pytestmark = pytest.mark.django_db


def _supported(ward, agencies, consented):
    referral = referral_create(ward.care_plaza_worker, consented, to_organisation=agencies.self_reliance, reason="家計")
    referral = referral_transition(agencies.self_reliance_worker, referral, "accept", confidentiality_acknowledged=True)
    return referral_transition(agencies.self_reliance_worker, referral, "start_support")


def test_the_timeline_has_every_event_in_time_order(ward, agencies, consented) -> None:
    _supported(ward, agencies, consented)
    outreach_create(
        ward.care_plaza_worker,
        person_id=consented.client_id,
        reason="気がかり",
        next_action="訪問",
        owner_organisation=ward.orgs.care_plaza,
    )
    entries = case_timeline(consented)
    kinds = [e.kind for e in entries]
    assert kinds[0] == "intake"
    assert {"consent", "team", "referral"} <= set(kinds)
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    titles = " ".join(e.title for e in entries)
    assert "大正区自立相談支援機関へ紹介" in titles and "支援開始" in titles and "支援チームに参加" in titles


def test_the_timeline_shows_the_stages_and_the_conference_that_discussed_the_case_but_not_its_minutes(
    ward, agencies, case
) -> None:
    from tsunagu.cases.models import Stage
    from tsunagu.cases.services import agenda_add, conference_create, minutes_record, stage_move

    worker = ward.care_plaza_worker
    stage_move(worker, case, Stage.ASSESSMENT)
    conference = conference_create(
        worker,
        organiser=None,
        kind="support_meeting",
        title="北部圏域 支援会議",
        starts_at=timezone.now() - datetime.timedelta(minutes=30),
        place="区役所 会議室",
    )
    item = agenda_add(worker, conference, case.pk, topic="家計と介護")
    minutes_record(worker, conference, item.pk, minutes="家賃の滞納は3か月分。")

    entries = {e.kind: e for e in case_timeline(case)}

    assert entries["stage"].title == "段階: 相談受付 → アセスメント"
    assert entries["conference"].title == "支援会議「北部圏域 支援会議」で検討"
    assert entries["conference"].detail == "家計と介護"
    assert all("3か月分" not in e.detail for e in entries.values())  # the minutes stay on the conference page


def test_a_new_source_joins_the_timeline_with_one_function(ward, case) -> None:
    from tsunagu.cases.selectors import timeline as module

    @module.timeline_source
    def conferences(c):
        yield module.TimelineEntry(c.opened_at + datetime.timedelta(days=1), "conference", "支援会議")

    try:
        assert case_timeline(case)[-1].kind == "conference"
    finally:
        module.TIMELINE_SOURCES.remove(conferences)


def test_the_dashboards_count_only_visible_cases_and_time_to_support(ward, agencies, consented) -> None:
    referral = _supported(ward, agencies, consented)
    # Support started five days after intake.
    Case.objects.filter(pk=consented.pk).update(opened_at=referral.status_changed_at - datetime.timedelta(days=5))
    # A case of another agency's team only: never counted for the care plaza.
    case_open(agencies.disability_worker, data=intake(client_name="他機関の方", domains=["disability"]))
    mine = worker_caseload(ward.care_plaza_worker)
    assert mine.open == 1 and mine.new_this_month >= 0
    assert mine.supported == 1 and mine.median_days == 5
    assert dict(mine.distribution)["7日以内"] == 1
    assert dict(mine.by_domain) == {"高齢・介護": 1, "生活困窮": 1}
    plaza = agency_caseload(ward.care_plaza_worker, ward.orgs.care_plaza.pk)
    assert plaza.open == 1
    # Not one of the user's agencies: nothing.
    assert agency_caseload(ward.care_plaza_worker, agencies.disability.pk).open == 0
    # The self-reliance agency joined the team on accepting: the case counts there too.
    assert agency_caseload(agencies.self_reliance_worker, agencies.self_reliance.pk).open == 1
    assert [w.open for w in agency_workers(ward.care_plaza_worker, ward.orgs.care_plaza.pk)] == [1]


def test_overdue_referrals_and_outreach_are_counted(ward, agencies, consented) -> None:
    from tsunagu.cases.models import OutreachItem, Referral

    referral = referral_create(ward.care_plaza_worker, consented, to_organisation=agencies.self_reliance, reason="x")
    Referral.objects.filter(pk=referral.pk).update(respond_by=timezone.localdate() - datetime.timedelta(days=1))
    item = outreach_create(
        ward.care_plaza_worker,
        person_id=consented.client_id,
        reason="x",
        next_action="y",
        owner_organisation=ward.orgs.care_plaza,
        owner_user=ward.care_plaza_worker,
    )
    OutreachItem.objects.filter(pk=item.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    load = agency_caseload(ward.care_plaza_worker, ward.orgs.care_plaza.pk)
    assert load.overdue_referrals == 1 and load.overdue_outreach == 1
    assert worker_caseload(ward.care_plaza_worker).overdue_outreach == 1
    assert agency_caseload(agencies.self_reliance_worker, agencies.self_reliance.pk).overdue_referrals == 1


def _cases(ward, worker, person, n, domains):
    for _i in range(n):
        case_open(worker, data=intake(client_id=person.pk, domains=domains))


def test_area_issues_count_the_whole_ward_and_hide_small_cells(ward, agencies) -> None:
    # District B (care plaza): 6 elderly cases; district A (社協's): 2 elderly + 7 poverty; 1 anonymous.
    _cases(ward, ward.care_plaza_worker, ward.people.b1_agreed, 6, ["elderly"])
    _cases(ward, ward.shakyo_coordinator, ward.people.a1_agreed, 2, ["elderly"])
    _cases(ward, ward.shakyo_coordinator, ward.people.a1_agreed, 7, ["poverty"])
    case_open(agencies.disability_worker, data=intake(anonymous=True, client_label="匿名", domains=["poverty"]))
    # The ward officer is on none of these teams, and still sees the counts (not the cases).
    issues = area_issues(ward.ward_officer)
    assert issues.districts == ["泉尾小学校区", "北恩加島小学校区", "地区不明"]
    elderly, poverty = 0, 3
    table = issues.by_district
    assert table.cells[1][elderly] == 6 and table.cells[0][poverty] == 7
    assert table.cells[0][elderly] is None  # 2: under 5
    # Every shown figure is 5 or more; nothing hidden is derivable (tsunagu.core.tests.test_suppression).
    shown = [v for row in table.cells for v in row if v is not None]
    assert all(v >= 5 for v in shown)
    assert derivable(table) == set()
    assert derivable(issues.by_month) == set()
    # The two tables publish the same domain totals: hidden in one, hidden in the other.
    assert [t is None for t in table.column_totals] == [t is None for t in issues.by_month.column_totals]
    assert AuditEntry.objects.filter(detail__has_key="area_issues", target_ids=[]).exists()


def test_area_issues_are_for_ward_welfare_shakyo_and_care_plazas(ward, agencies) -> None:
    for user in (agencies.self_reliance_worker, ward.commissioner, ward.ward_clerk):
        with pytest.raises(PermissionDenied):
            area_issues(user)


def test_area_issues_export_as_csv_and_excel(ward, verified_client) -> None:
    _cases(ward, ward.care_plaza_worker, ward.people.b1_agreed, 6, ["elderly"])
    client = verified_client(ward.ward_officer)
    response = client.get("/cases/area/export/?format=sjis")
    assert response.status_code == 200 and "SJIS" in response["Content-Disposition"]
    text = response.content.decode("cp932")
    assert "北恩加島小学校区" in text and "秘匿" in text
    response = client.get("/cases/area/export/?format=csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    response = client.get("/cases/area/export/?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert 6 in values and HIDDEN_MARK in values
    assert AuditEntry.objects.filter(action="export", detail__format="xlsx").exists()


def test_area_rows_mark_hidden_figures(ward) -> None:
    headers, rows = area_rows(area_issues(ward.ward_officer))
    assert headers[-1] == "計（延べ）"
    assert rows[0][2] == HIDDEN_MARK  # no case at all: 0 is under 5 too


def test_first_support_is_the_first_support_started_event(ward, agencies, consented) -> None:
    from tsunagu.cases.selectors.dashboards import first_support_times

    referral = _supported(ward, agencies, consented)
    first = ReferralEvent.objects.get(referral=referral, to_status="support_started").at
    assert first_support_times([consented.pk]) == {consented.pk: first}


def test_the_pages_and_the_api(ward, agencies, consented, verified_client) -> None:
    from tsunagu.cases.models import OutreachItem

    _supported(ward, agencies, consented)
    client = verified_client(ward.care_plaza_worker)
    html = client.get(f"/cases/{consented.pk}/timeline/").content.decode()
    assert "相談受付" in html and "支援開始" in html
    assert client.get("/cases/dashboard/").status_code == 200
    assert client.get("/cases/area/").status_code == 200
    response = client.post(
        "/cases/outreach/new/",
        {
            "person_id": consented.client_id,
            "reason": "様子が気になる",
            "next_action": "訪問する",
            "owner_organisation": ward.orgs.care_plaza.pk,
        },
    )
    assert response.status_code == 302
    item = OutreachItem.objects.get()
    page = client.get(f"/cases/outreach/{item.pk}/").content.decode()
    assert consented.client.full_name in page and "訪問する" in page
    assert "アウトリーチ" in client.get("/cases/outreach/?overdue=on").content.decode()
    refused = client.post(f"/cases/outreach/{item.pk}/action/", {"action": "resolve", "resolution": ""})
    assert refused.status_code == 400
    done = client.post(f"/cases/outreach/{item.pk}/action/", {"action": "note", "note": "電話で話せた"})
    assert done.status_code == 302
    api = client.get("/api/cases/outreach/").json()
    assert api[0]["id"] == item.pk and api[0]["name"] == consented.client.full_name
    resolved = client.post(
        f"/api/cases/outreach/{item.pk}/action/",
        {"action": "resolve", "resolution": "connected", "note": "支援につながった"},
        content_type="application/json",
    )
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    assert client.get(f"/api/cases/{consented.pk}/timeline/").json()[0]["kind"] == "intake"
    figures = client.get("/api/cases/dashboard/").json()
    assert figures["mine"]["open"] == 1 and figures["agencies"][0]["figures"]["supported"] == 1
    area = client.get("/api/cases/area/").json()
    assert area["by_district"]["rows"][-1] == "地区不明"
    # Another agency: 404 on the item, 403 on the area figures, all logged.
    other = verified_client(agencies.disability_worker)
    assert other.get(f"/cases/outreach/{item.pk}/").status_code == 404
    assert other.get(f"/api/cases/outreach/{item.pk}/").status_code == 404
    assert other.get("/cases/area/").status_code == 403
    assert other.get("/api/cases/area/").status_code == 403


def test_first_support_is_the_earlier_of_a_referrals_support_start_and_the_stage_support(ward, agencies, case):
    from tsunagu.cases.models import StageChange
    from tsunagu.cases.selectors.dashboards import first_support_times

    assert first_support_times([case.pk]) == {}
    moved = timezone.now() - datetime.timedelta(days=3)
    worker = ward.care_plaza_worker
    StageChange.objects.create(case=case, from_stage="conference", to_stage="support", at=moved, by=worker)
    assert first_support_times([case.pk]) == {case.pk: moved}
