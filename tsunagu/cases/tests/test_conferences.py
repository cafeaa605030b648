"""Support conferences: who sees them and what of the agenda's cases, agenda limited to the organiser's cases,
decisions that add an agency to the team (team_add with the conference), tasks and their overdue lists."""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from tsunagu.audit.models import AuditAction, AuditEntry, AuditTarget
from tsunagu.cases.models import ConferenceKind, DecisionKind, TaskStatus, TeamBasis
from tsunagu.cases.selectors import conference_or_404, my_tasks, overdue_task_count, visible_cases
from tsunagu.cases.services import (
    CaseError,
    agenda_add,
    case_open,
    conference_create,
    decision_apply,
    decision_record,
    minutes_record,
    participant_acknowledge,
    participant_add,
    task_create,
    task_update,
)
from tsunagu.cases.tests.conftest import intake


def schedule(ward, *, kind=ConferenceKind.SUPPORT_MEETING, hours=-1, **kwargs):
    kwargs.setdefault("place", "大正区役所 3階会議室")
    return conference_create(
        ward.care_plaza_worker,
        organiser=ward.orgs.care_plaza.pk,
        kind=kind,
        title="北部圏域 支援会議",
        starts_at=timezone.now() + datetime.timedelta(hours=hours),
        **kwargs,
    )


def last_view():
    return AuditEntry.objects.filter(action=AuditAction.VIEW, target_type=AuditTarget.CONFERENCE).order_by("seq").last()


@pytest.fixture
def conference(ward, agencies, case):
    conference = schedule(ward)
    agenda_add(ward.care_plaza_worker, conference, case.pk, topic="家計と介護の支援の分担")
    return conference


def test_a_conference_needs_a_place_or_a_url_and_ends_after_it_starts(ward, agencies):
    with pytest.raises(CaseError) as refused:
        schedule(ward, place="", ends_at=timezone.now() - datetime.timedelta(hours=2))
    assert "場所かオンライン会議のURLを入力してください。" in refused.value.messages
    assert "終了日時は開始日時より後の、同じ日か翌日までの日時にしてください。" in refused.value.messages
    with pytest.raises(CaseError, match="5年前から2年後まで"):
        schedule(ward, hours=-24 * 365 * 6)
    online = schedule(ward, place="", online_url="https://meet.example.org/abc")
    assert online.participants.get().acknowledged  # the organiser convenes it under the duty


def test_only_cases_the_organiser_sees_go_on_the_agenda(ward, agencies, case):
    other = case_open(agencies.disability_worker, data=intake(client_name="別の方"))
    conference = schedule(ward)
    with pytest.raises(CaseError, match="主催機関が支援チームに入っているケースだけ"):
        agenda_add(ward.care_plaza_worker, conference, other.pk)
    agenda_add(ward.care_plaza_worker, conference, case.pk)
    with pytest.raises(CaseError, match="すでに議題"):
        agenda_add(ward.care_plaza_worker, conference, case.pk)
    # Only the organiser's staff run the agenda.
    participant_add(ward.care_plaza_worker, conference, organisation=agencies.disability)
    with pytest.raises(CaseError, match="主催機関の職員だけ"):
        agenda_add(agencies.disability_worker, conference, other.pk)


def test_a_non_participant_gets_404_and_it_is_logged(ward, agencies, conference):
    with pytest.raises(Http404):
        conference_or_404(agencies.self_reliance_worker, conference.pk)
    with pytest.raises(Http404):
        conference_or_404(agencies.self_reliance_worker, "abc")
    denied = AuditEntry.objects.filter(action=AuditAction.DENIED, target_type=AuditTarget.CONFERENCE)
    assert denied.count() == 2


def test_at_a_support_meeting_case_details_wait_for_the_confidentiality_acknowledgement(ward, agencies, case):
    conference = schedule(ward)
    agenda_add(ward.care_plaza_worker, conference, case.pk)
    row = participant_add(ward.care_plaza_worker, conference, organisation=agencies.self_reliance)
    page = conference_or_404(agencies.self_reliance_worker, conference.pk)
    assert [r.visible for r in page.agenda] == [False]
    entry = last_view()
    assert entry.target_ids == [] and entry.detail["hidden_items"] == 1
    participant_acknowledge(agencies.self_reliance_worker, conference, row.pk)
    page = conference_or_404(agencies.self_reliance_worker, conference.pk)
    assert [r.visible for r in page.agenda] == [True]
    entry = last_view()
    assert entry.target_ids == [case.client_id] and entry.detail["cases"] == [case.pk]
    # Seeing it at the conference does not put the agency on the team.
    assert not visible_cases(agencies.self_reliance_worker).exists()


def test_at_other_conferences_an_acknowledged_participant_also_needs_the_clients_consent(
    ward, agencies, consented
):
    conference = schedule(ward, kind=ConferenceKind.COORDINATION)
    agenda_add(ward.care_plaza_worker, conference, consented.pk)
    participant_add(ward.care_plaza_worker, conference, organisation=agencies.self_reliance, acknowledged=True)
    participant_add(ward.care_plaza_worker, conference, organisation=agencies.disability, acknowledged=True)
    assert conference_or_404(agencies.self_reliance_worker, conference.pk).agenda[0].visible  # consent covers it
    assert not conference_or_404(agencies.disability_worker, conference.pk).agenda[0].visible


def test_a_decision_adds_the_agency_to_the_team_with_the_conference_as_reference(ward, agencies, conference, case):
    participant_add(ward.care_plaza_worker, conference, organisation=agencies.self_reliance, acknowledged=True)
    item = conference.agenda.get()
    minutes_record(ward.care_plaza_worker, conference, item.pk, minutes="家計改善支援を自立相談支援機関が担う。")
    decision = decision_record(
        ward.care_plaza_worker,
        conference,
        item.pk,
        kind=DecisionKind.ADD_TO_TEAM,
        text="自立相談支援機関を支援チームに加える",
        organisation=agencies.self_reliance,
    )
    member = decision_apply(ward.care_plaza_worker, conference, decision.pk)
    assert member.basis == TeamBasis.CONFERENCE and member.conference == conference
    assert "支援会議「北部圏域 支援会議」" in member.decision_reference
    assert member.confidentiality_acknowledged_at is not None
    assert visible_cases(agencies.self_reliance_worker).get() == case
    with pytest.raises(CaseError, match="すでに反映"):
        decision_apply(ward.care_plaza_worker, conference, decision.pk)


def test_a_decision_for_an_agency_without_acknowledgement_needs_it_when_applied(ward, agencies, conference):
    item = conference.agenda.get()
    decision = decision_record(
        ward.care_plaza_worker,
        conference,
        item.pk,
        kind=DecisionKind.ADD_TO_TEAM,
        text="障害者相談支援を加える",
        organisation=agencies.disability,
    )
    with pytest.raises(CaseError, match="守秘義務の確認が必要"):
        decision_apply(ward.care_plaza_worker, conference, decision.pk)
    decision_apply(ward.care_plaza_worker, conference, decision.pk, confidentiality_acknowledged=True)
    assert visible_cases(agencies.disability_worker).exists()


def test_at_a_coordination_meeting_the_decision_still_needs_the_clients_consent(ward, agencies, case):
    conference = schedule(ward, kind=ConferenceKind.COORDINATION)
    item = agenda_add(ward.care_plaza_worker, conference, case.pk)
    decision = decision_record(
        ward.care_plaza_worker,
        conference,
        item.pk,
        kind=DecisionKind.ADD_TO_TEAM,
        text="加える",
        organisation=agencies.disability,
    )
    with pytest.raises(CaseError, match="本人の同意がこの機関を含んでいません"):
        decision_apply(ward.care_plaza_worker, conference, decision.pk, confidentiality_acknowledged=True)


def test_minutes_and_decisions_wait_for_the_conference_to_start(ward, agencies, case):
    conference = schedule(ward, hours=24)
    item = agenda_add(ward.care_plaza_worker, conference, case.pk)
    with pytest.raises(CaseError, match="会議の開始前"):
        minutes_record(ward.care_plaza_worker, conference, item.pk, minutes="…")
    with pytest.raises(CaseError, match="会議の開始前"):
        decision_record(ward.care_plaza_worker, conference, item.pk, kind=DecisionKind.NOTE, text="…")


def test_tasks_go_to_participants_and_overdue_ones_are_listed_for_their_owners(ward, agencies, conference):
    participant_add(ward.care_plaza_worker, conference, participant=agencies.self_reliance_worker, acknowledged=True)
    item = conference.agenda.get()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(CaseError, match="会議の参加者"):
        task_create(
            ward.care_plaza_worker, conference, description="x", due_on=yesterday, owner_user=ward.ward_officer
        )
    overdue = task_create(
        ward.care_plaza_worker,
        conference,
        description="家計の状況を聞き取る",
        due_on=yesterday,
        owner_user=agencies.self_reliance_worker,
        item_id=item.pk,
    )
    task_create(
        ward.care_plaza_worker,
        conference,
        description="次回の日程調整",
        due_on=timezone.localdate() + datetime.timedelta(days=7),
        owner_organisation=ward.orgs.care_plaza,
    )
    rows = my_tasks(agencies.self_reliance_worker)
    assert [(r.task, r.overdue, r.case_number) for r in rows] == [(overdue, True, item.case.number)]
    assert overdue_task_count(agencies.self_reliance_worker) == 1
    assert [r.task.description for r in my_tasks(ward.care_plaza_worker)] == ["次回の日程調整"]
    page = conference_or_404(ward.care_plaza_worker, conference.pk)
    assert page.overdue_task_ids == {overdue.pk}
    # Somebody else cannot close it; its owner can, and it leaves the lists.
    with pytest.raises(CaseError, match="担当者・担当機関の職員・主催機関の職員だけ"):
        task_update(agencies.disability_worker, overdue, status=TaskStatus.DONE)
    task_update(agencies.self_reliance_worker, overdue, status=TaskStatus.DONE, note="聞き取り済み")
    assert overdue_task_count(agencies.self_reliance_worker) == 0
    assert conference_or_404(ward.care_plaza_worker, conference.pk).overdue_task_ids == set()
