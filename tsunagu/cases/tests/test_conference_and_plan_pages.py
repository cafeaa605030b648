"""The conference and plan pages and PDFs go through the same selectors (participants, team) and services."""

import datetime
import subprocess

from django.utils import timezone

from tsunagu.audit.models import AuditAction, AuditEntry, AuditTarget
from tsunagu.cases.models import Case, Conference, ConferenceTask, Stage, TeamBasis
from tsunagu.organisations.models import MembershipRole
from tsunagu.testing.factories import MembershipFactory, UserFactory


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_conference_from_schedule_to_minutes_pdf(ward, agencies, case, verified_client, tmp_path):
    organiser = verified_client(ward.care_plaza_worker)
    response = organiser.post(
        "/cases/conferences/new/",
        {
            "organiser": ward.orgs.care_plaza.pk,
            "kind": "support_meeting",
            "title": "北部圏域 支援会議",
            "starts_at": local(timezone.now() - datetime.timedelta(hours=1)),
            "place": "区役所 会議室",
        },
    )
    assert response.status_code == 302, response.content.decode()
    conference = Conference.objects.get()
    url = f"/cases/conferences/{conference.pk}/"
    assert organiser.post(url + "participants/", {"organisation": agencies.self_reliance.pk}).status_code == 302
    assert organiser.post(url + "agenda/", {"case": case.pk, "topic": "家計の支援"}).status_code == 302
    item = conference.agenda.get()
    organiser.post(url + f"minutes/{item.pk}/", {"minutes": "家計改善支援を自立相談支援機関が担う。"})
    decided = organiser.post(
        url + "decisions/",
        {"agenda_item": item.pk, "kind": "add_to_team", "text": "自立相談支援機関を加える",
         "organisation": agencies.self_reliance.pk},
    )
    assert decided.status_code == 302
    decision = conference.decisions.get()
    # Before its acknowledgement, the agency sees the conference but not the case on its agenda.
    participant = verified_client(agencies.self_reliance_worker)
    page = participant.get(url).content.decode()
    assert "この議題の内容は表示されません" in page and case.number not in page
    organiser = verified_client(ward.care_plaza_worker)  # one test client: sign in again
    refused = organiser.post(url + f"decisions/{decision.pk}/apply/", {}, follow=True).content.decode()
    assert "加わる機関の守秘義務の確認が必要です。" in refused
    row = conference.participants.get(organisation=agencies.self_reliance)
    participant = verified_client(agencies.self_reliance_worker)
    participant.post(url + f"participants/{row.pk}/acknowledge/")
    page = participant.get(url).content.decode()
    assert case.number in page and "家計改善支援を自立相談支援機関が担う。" in page
    organiser = verified_client(ward.care_plaza_worker)
    assert organiser.post(url + f"decisions/{decision.pk}/apply/").status_code == 302
    assert case.team.get(organisation=agencies.self_reliance).basis == TeamBasis.CONFERENCE
    task = organiser.post(
        url + "tasks/",
        {"description": "家計の聞き取り", "owner_organisation": agencies.self_reliance.pk,
         "due_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(), "agenda_item": item.pk},
    )
    assert task.status_code == 302
    participant = verified_client(agencies.self_reliance_worker)
    tasks_page = participant.get("/cases/conferences/").content.decode()
    assert "家計の聞き取り" in tasks_page and "期限超過" in tasks_page
    pdf = participant.get(url + "pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content, tmp_path)
    assert "会議録" in text and "家計改善支援を自立相談支援機関が担う。" in text and "取扱注意" in text
    export = AuditEntry.objects.filter(action=AuditAction.EXPORT, target_type=AuditTarget.CONFERENCE).get()
    assert export.target_ids == [case.client_id]
    task_id = ConferenceTask.objects.get().pk
    done = participant.post(f"/cases/conferences/tasks/{task_id}/status/", {"status": "done", "next": "tasks"})
    assert done["Location"] == "/cases/conferences/"
    assert ConferenceTask.objects.get().status == "done"


def test_a_conference_refuses_bad_input_in_japanese_and_keeps_it(ward, agencies, verified_client):
    client = verified_client(ward.care_plaza_worker)
    response = client.post(
        "/cases/conferences/new/",
        {"organiser": ward.orgs.care_plaza.pk, "kind": "coordination", "title": "調整会議",
         "starts_at": local(timezone.now())},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "場所かオンライン会議のURLを入力してください。" in html and 'value="調整会議"' in html


def test_a_non_participant_gets_404_on_every_conference_url_and_it_is_logged(
    ward, agencies, case, verified_client
):
    from tsunagu.cases.services import conference_create

    conference = conference_create(
        ward.care_plaza_worker, organiser=None, kind="support_meeting", title="会議",
        starts_at=timezone.now(), place="会議室",
    )
    outsider = verified_client(agencies.disability_worker)
    for suffix in ("", "pdf/"):
        assert outsider.get(f"/cases/conferences/{conference.pk}/{suffix}").status_code == 404
    assert outsider.post(f"/cases/conferences/{conference.pk}/agenda/", {"case": case.pk}).status_code == 404
    denied = AuditEntry.objects.filter(action=AuditAction.DENIED, target_type=AuditTarget.CONFERENCE)
    assert denied.count() == 3


def test_the_plan_pages_walk_the_stages_and_show_refusals(ward, agencies, case, verified_client, tmp_path):
    head = UserFactory(username="care_plaza_head")
    MembershipFactory(user=head, organisation=ward.orgs.care_plaza, role=MembershipRole.MANAGER)
    worker = verified_client(ward.care_plaza_worker)
    url = f"/cases/{case.pk}/plan/"
    assert "支援計画はまだありません" in worker.get(url).content.decode()
    illegal = worker.post(url + "stage/", {"stage": "support"})
    assert illegal.status_code == 400 and "「相談受付」から「支援提供」には進めません。" in illegal.content.decode()
    for stage in ("assessment", "planning"):
        assert worker.post(url + "stage/", {"stage": stage}).status_code == 302
    worker.post(url + "goals/", {"term": "long", "text": "家賃を滞納せずに暮らす"})
    action = {"what": "家計改善支援", "organisation": agencies.self_reliance.pk, "frequency": "月2回"}
    worker.post(url + "actions/", action)
    worker.post(url + "update/", {"issues": "家賃の滞納", "client_agreed_on": timezone.localdate().isoformat()})
    assert worker.post(url + "stage/", {"stage": "conference"}).status_code == 302
    waiting = worker.post(url + "stage/", {"stage": "support"})
    assert "代表者（管理者）の承認が必要です" in waiting.content.decode()
    supervisor = verified_client(head)
    assert "支援計画（第1版）" in supervisor.get("/cases/approvals/").content.decode()
    supervisor.post(url + "approve/")
    worker = verified_client(ward.care_plaza_worker)
    assert worker.post(url + "stage/", {"stage": "support"}).status_code == 302
    assert Case.objects.get().stage == Stage.SUPPORT
    pdf = worker.get(url + "pdf/")
    text = pdf_text(pdf.content, tmp_path)
    assert "プラン兼事業等利用申込書" in text and "家賃を滞納せずに暮らす" in text and "家計改善支援" in text
    worker.post(url + "close/", {"kind": "goal_reached"})
    supervisor = verified_client(head)
    supervisor.post(url + "closure/", {"decision": "approve"})
    assert Case.objects.get().stage == Stage.CLOSED
    # An agency off the team: 404 on the plan and its PDF, logged by the case check.
    outsider = verified_client(agencies.disability_worker)
    assert outsider.get(url).status_code == 404 and outsider.get(url + "pdf/").status_code == 404


def test_the_conferences_api_schedules_puts_cases_on_the_agenda_decides_and_assigns(
    ward, agencies, case, verified_client
):
    client = verified_client(ward.care_plaza_worker)
    created = client.post(
        "/api/cases/conferences/",
        {"kind": "support_meeting", "title": "API の会議", "place": "会議室",
         "starts_at": (timezone.now() - datetime.timedelta(minutes=5)).isoformat()},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    conference_id = created.json()["id"]
    base = f"/api/cases/conferences/{conference_id}/"
    other = client.post(base + "agenda/", {"case": 999999}, content_type="application/json")
    assert other.status_code == 400
    assert "主催機関が支援チームに入っているケースだけを議題にできます。" in other.content.decode()
    detail = client.post(base + "agenda/", {"case": case.pk}, content_type="application/json").json()
    item = detail["agenda"][0]
    assert item["visible"] and item["case_number"] == case.number
    decision = client.post(
        base + "decisions/",
        {"agenda_item": item["id"], "kind": "add_to_team", "text": "加える", "organisation": agencies.disability.pk,
         "apply": True, "confidentiality_acknowledged": True},
        content_type="application/json",
    )
    assert decision.status_code == 201 and decision.json()["applied_at"] is not None
    assert case.team.filter(organisation=agencies.disability, conference_id=conference_id).exists()
    task = client.post(
        base + "tasks/",
        {"description": "日程調整", "due_on": timezone.localdate().isoformat(),
         "owner_organisation": ward.orgs.care_plaza.pk},
        content_type="application/json",
    )
    assert task.status_code == 201
    assert [t["description"] for t in client.get("/api/cases/conferences/tasks/").json()] == ["日程調整"]
    done = client.post(
        f"/api/cases/conferences/tasks/{task.json()['id']}/status/", {"status": "done"},
        content_type="application/json",
    )
    assert done.json()["status"] == "done"
    # The disability agency is on the case team now, but does not take part in the conference: 404.
    outsider = verified_client(agencies.disability_worker)
    assert outsider.get(base).status_code == 404
    assert outsider.get("/api/cases/conferences/").json() == []
