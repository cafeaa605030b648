"""Outreach (アウトリーチ): flagging from watch-over, safety checks and declined referrals is idempotent; items are
seen by their owning agency only, the person only as the policy allows; each action is logged; resolved items keep
their history."""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from tsunagu.audit.models import AuditEntry
from tsunagu.cases.models import (
    OutreachEvent,
    OutreachEventKind,
    OutreachItem,
    OutreachResolution,
    OutreachSource,
    OutreachStatus,
)
from tsunagu.cases.selectors import OutreachFilters, outreach_or_404, outreach_worklist
from tsunagu.cases.services import (
    CaseError,
    outreach_create,
    outreach_flag,
    outreach_note,
    outreach_reopen,
    outreach_resolve,
    outreach_update,
    referral_create,
    referral_transition,
)

pytestmark = pytest.mark.django_db

LATER = datetime.timedelta(days=15)


def _flag_later():
    return outreach_flag(now=timezone.now() + LATER)


def test_a_watch_concern_without_a_case_is_flagged_once_for_its_agency(ward, escalation) -> None:
    assert outreach_flag().total == 0  # within its grace period: the agency is still on it
    result = _flag_later()
    assert result.created["watch"] == 1
    item = OutreachItem.objects.get()
    assert item.source == OutreachSource.WATCH and item.person_id == escalation.person_id
    assert item.owner_organisation_id == escalation.organisation_id == ward.orgs.care_plaza.pk
    assert item.events.get().kind == OutreachEventKind.FLAGGED
    assert "経済的困窮" in item.reason
    # Idempotent: running again flags nothing, and neither does it after the item is resolved.
    assert _flag_later().total == 0
    outreach_resolve(ward.care_plaza_worker, item, resolution=OutreachResolution.REACHED, note="訪問して話せた")
    assert _flag_later().total == 0
    assert OutreachItem.objects.count() == 1


def test_a_watch_concern_that_became_a_case_is_not_flagged(ward, agencies, escalation) -> None:
    from tsunagu.cases.services import open_case_from_escalation

    open_case_from_escalation(
        escalation,
        ward.care_plaza_worker,
        data={"domains": ["poverty"], "chief_complaint": "督促状", "route": "watch"},
    )
    assert _flag_later().total == 0


def _declined(ward, agencies, consented):
    referral = referral_create(
        ward.care_plaza_worker, consented, to_organisation=agencies.self_reliance, reason="家計の相談"
    )
    return referral_transition(agencies.self_reliance_worker, referral, "decline", reason="対象外")


def test_a_declined_referral_with_no_later_support_is_flagged_for_the_sender(ward, agencies, consented) -> None:
    _declined(ward, agencies, consented)
    assert outreach_flag().total == 0  # three days for the sender to refer elsewhere first
    assert _flag_later().created["declined_referral"] == 1
    item = OutreachItem.objects.get()
    assert item.case_id == consented.pk and item.person_id == consented.client_id
    assert item.owner_organisation_id == ward.orgs.care_plaza.pk and item.owner_user == ward.care_plaza_worker
    assert _flag_later().total == 0


def test_a_declined_referral_followed_by_another_is_not_flagged(ward, agencies, consented) -> None:
    _declined(ward, agencies, consented)
    from tsunagu.cases.services import consent_record

    consent_record(
        ward.care_plaza_worker, consented, decision="given", decided_on=timezone.localdate(), all_agencies=True
    )
    referral_create(ward.care_plaza_worker, consented, to_organisation=agencies.disability, reason="障害の相談")
    assert _flag_later().total == 0


def test_an_unreachable_person_after_an_event_is_flagged_for_the_area_agency(ward) -> None:
    from tsunagu.disaster.models import DisasterEvent, SafetyCurrent, SafetyStatus

    now = timezone.now()
    event = DisasterEvent.objects.create(
        name="大雨",
        kind="flood",
        started_at=now - datetime.timedelta(days=3),
        ended_at=now - datetime.timedelta(days=1),
        declared_by=ward.ward_officer,
    )
    drill = DisasterEvent.objects.create(
        name="訓練",
        kind="flood",
        is_drill=True,
        started_at=now - datetime.timedelta(days=3),
        ended_at=now - datetime.timedelta(days=1),
        declared_by=ward.ward_officer,
    )
    people = ward.people
    for e in (event, drill):
        SafetyCurrent.objects.create(
            event=e, person=people.b1_agreed, town=people.b1_agreed.town, kana_key="a", status=SafetyStatus.UNREACHABLE
        )
        SafetyCurrent.objects.create(
            event=e, person=people.a1_agreed, town=people.a1_agreed.town, kana_key="b", status=SafetyStatus.UNCONFIRMED
        )
        SafetyCurrent.objects.create(
            event=e, person=people.a2_agreed, town=people.a2_agreed.town, kana_key="c", status=SafetyStatus.SAFE
        )
    result = outreach_flag()
    assert result.created["safety"] == 2  # the drill flags nobody, the safe person neither
    owners = dict(OutreachItem.objects.values_list("person_id", "owner_organisation_id"))
    # District B has a care plaza; district A only its 社協.
    assert owners == {people.b1_agreed.pk: ward.orgs.care_plaza.pk, people.a1_agreed.pk: ward.orgs.shakyo.pk}
    assert outreach_flag().total == 0


def test_staff_flag_only_persons_they_see_and_owners_who_see_them(ward, agencies) -> None:
    item = outreach_create(
        ward.care_plaza_worker,
        person_id=ward.people.b1_unanswered.pk,
        reason="最近見かけない",
        next_action="訪問する",
        owner_organisation=ward.orgs.care_plaza,
    )
    assert item.source == OutreachSource.STAFF and item.created_by == ward.care_plaza_worker
    # District A is not the care plaza's: the person is out of its scope (404, logged).
    with pytest.raises(Http404):
        outreach_create(
            ward.care_plaza_worker,
            person_id=ward.people.a1_agreed.pk,
            reason="x",
            next_action="y",
            owner_organisation=ward.orgs.care_plaza,
        )
    assert AuditEntry.objects.filter(action="denied").exists()
    # An agency that has no business with the person cannot be made owner (it would open the person to it).
    with pytest.raises(CaseError) as refused:
        outreach_create(
            ward.care_plaza_worker,
            person_id=ward.people.b1_unanswered.pk,
            reason="x",
            next_action="y",
            owner_organisation=agencies.disability,
        )
    assert "担当機関" in refused.value.messages[0]
    with pytest.raises(CaseError):
        outreach_create(
            ward.care_plaza_worker,
            person_id=ward.people.b1_unanswered.pk,
            reason=" ",
            next_action="",
            owner_organisation=ward.orgs.care_plaza,
        )


def test_only_the_owning_agency_sees_an_item_and_the_person_only_while_open(ward, agencies, consented) -> None:
    _declined(ward, agencies, consented)
    _flag_later()
    item = OutreachItem.objects.get()
    row = outreach_or_404(ward.care_plaza_worker, item.pk)
    assert row.shows_person and row.name == consented.client.full_name
    for outsider in (agencies.self_reliance_worker, ward.shakyo_coordinator, ward.commissioner):
        with pytest.raises(Http404):
            outreach_or_404(outsider, item.pk)
        assert outreach_worklist(outsider) == []


def test_an_agency_without_resident_lists_sees_the_person_of_its_open_item_only(ward, agencies, case) -> None:
    from tsunagu.access import policy
    from tsunagu.organisations.models import DataScope

    person = ward.people.b1_unanswered
    item = outreach_create(
        ward.care_plaza_worker,
        person_id=person.pk,
        reason="気がかり",
        next_action="訪問",
        owner_organisation=ward.orgs.care_plaza,
    )
    worker = agencies.disability_worker
    assert not policy.visible_persons(worker, scope=DataScope.OUTREACH).filter(pk=person.pk).exists()
    # Handed over to the disability agency — allowed only when it sees the person through a case team.
    with pytest.raises(CaseError):
        outreach_update(
            ward.care_plaza_worker, item, next_action="訪問", owner_organisation=agencies.disability, due_on=item.due_on
        )
    from tsunagu.cases.models import HouseholdMember, TeamBasis, TeamMember

    HouseholdMember.objects.create(case=case, person=person, relationship="子")
    TeamMember.objects.create(
        case=case,
        organisation=agencies.disability,
        basis=TeamBasis.CONFERENCE,
        decision_reference="支援会議",
        added_at=timezone.now(),
        added_by=ward.care_plaza_worker,
    )
    item = outreach_update(
        ward.care_plaza_worker,
        item,
        next_action="障害の相談につなぐ",
        owner_organisation=agencies.disability,
        due_on=item.due_on,
        note="支援会議で決定",
    )
    assert outreach_or_404(worker, item.pk).shows_person
    with pytest.raises(Http404):
        outreach_or_404(ward.care_plaza_worker, item.pk)  # no longer its item
    assert item.status == OutreachStatus.IN_PROGRESS
    assert "担当機関" in item.events.filter(kind=OutreachEventKind.CHANGED).get().note


def test_the_life_of_an_item_is_kept_and_logged(ward) -> None:
    worker = ward.care_plaza_worker
    item = outreach_create(
        worker,
        person_id=ward.people.b1_agreed.pk,
        reason="郵便物がたまる",
        next_action="訪問",
        owner_organisation=ward.orgs.care_plaza,
    )
    with pytest.raises(CaseError):
        outreach_note(worker, item, note="  ")
    item = outreach_note(worker, item, note="訪問したが不在。手紙を投函")
    assert item.status == OutreachStatus.IN_PROGRESS
    with pytest.raises(CaseError):
        outreach_resolve(worker, item, resolution="", note="x")
    item = outreach_resolve(worker, item, resolution=OutreachResolution.CONNECTED, note="包括の相談につながった")
    assert item.resolved_at and item.resolved_by == worker and not item.is_open
    with pytest.raises(CaseError):
        outreach_note(worker, item, note="もう一度")
    item = outreach_reopen(worker, item, reason="また連絡がとれない")
    assert item.is_open and item.resolved_at is None
    kinds = list(item.events.values_list("kind", flat=True))
    assert kinds == ["flagged", "note", "resolved", "reopened"]
    assert "包括の相談につながった" in item.events.get(kind="resolved").note
    entries = AuditEntry.objects.filter(detail__outreach=item.pk)
    assert entries.count() == 4
    with pytest.raises(PermissionError):
        event = OutreachEvent.objects.first()
        event.note = "書き換え"
        event.save()


def test_the_worklist_filters_and_puts_overdue_first(ward) -> None:
    worker = ward.care_plaza_worker
    late = outreach_create(
        worker,
        person_id=ward.people.b1_agreed.pk,
        reason="a",
        next_action="b",
        owner_organisation=ward.orgs.care_plaza,
        owner_user=worker,
    )
    OutreachItem.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    other = outreach_create(
        worker,
        person_id=ward.people.b1_refused.pk,
        reason="a",
        next_action="b",
        owner_organisation=ward.orgs.care_plaza,
    )
    rows = outreach_worklist(worker)
    assert [r.item.pk for r in rows] == [late.pk, other.pk] and rows[0].overdue
    assert [r.item.pk for r in outreach_worklist(worker, OutreachFilters(overdue=True))] == [late.pk]
    assert [r.item.pk for r in outreach_worklist(worker, OutreachFilters(owner="me"))] == [late.pk]
    assert outreach_worklist(worker, OutreachFilters(source="safety")) == []
    outreach_resolve(worker, other, resolution="reached", note="話せた")
    assert [r.item.pk for r in outreach_worklist(worker, OutreachFilters(status="resolved"))] == [other.pk]
    assert AuditEntry.objects.filter(action="list", detail__list="outreach").exists()


def test_the_flagging_command_runs(ward, escalation, capsys) -> None:
    from django.core.management import call_command

    call_command("outreach_flag")
    assert "アウトリーチに 0 件" in capsys.readouterr().out
