"""A disaster event opens the listed persons of its districts to those who must reach them, consent or not, for
its duration only; safety reports are append-only, the current status is the latest observed, and reports that
disagree are flagged, never overwritten."""

import datetime
import uuid

import pytest
from django.http import Http404
from django.utils import timezone

from tsunagu.access import policy
from tsunagu.access.policy import CapabilityDenied
from tsunagu.audit.models import AuditAction, AuditEntry, AuditTarget
from tsunagu.core.records import AppendOnlyError
from tsunagu.disaster.models import DISASTER_SCOPE, DisasterKind, SafetyCurrent, SafetyReport, SafetyStatus
from tsunagu.disaster.selectors import dashboard, safety_list
from tsunagu.disaster.services import (
    DISASTER_ACCESS,
    DisasterError,
    event_declare,
    event_end,
    event_start,
    safety_report_record,
)
from tsunagu.disaster.status import CONFLICT_WINDOW
from tsunagu.organisations.models import DataScope, MembershipRole, OrganisationKind
from tsunagu.testing.factories import MembershipFactory, OrganisationFactory, PersonFactory, UserFactory
from tsunagu.testing.personas import build_city, list_on_roster


def seen(user, scope=DISASTER_SCOPE) -> set[int]:
    return set(policy.visible_persons(user, scope=scope).values_list("pk", flat=True))


def member_of(kind: str, name: str):
    user = UserFactory()
    MembershipFactory(user=user, organisation=OrganisationFactory(name=name, kind=kind), role=MembershipRole.STAFF)
    return user


@pytest.fixture
def district_a_event(ward):
    return event_declare(
        user=ward.ward_officer,
        name="大雨（訓練）",
        kind=DisasterKind.STORM_FLOOD,
        districts=[ward.districts.a],
        started_at=timezone.now() - datetime.timedelta(hours=5),
    )


def listed_in_a(ward) -> set[int]:
    p = ward.people
    return {p.a1_agreed.pk, p.a1_refused.pk, p.a2_unanswered.pk, p.a2_agreed.pk}


def test_in_normal_times_community_groups_and_responders_see_nobody_through_the_disaster_scope(ward):
    fire = member_of(OrganisationKind.FIRE, "大正消防署")
    assert seen(ward.association_member) == set()
    assert seen(ward.commissioner) == set()
    assert seen(fire) == set()
    # The ward's welfare section sees its ward in every scope.
    assert listed_in_a(ward) <= seen(ward.ward_officer)


def test_an_event_opens_every_listed_person_of_its_districts_consent_or_not(ward, district_a_event):
    unlisted = PersonFactory(town=ward.towns.a1)

    visible = seen(ward.association_member)

    assert visible == listed_in_a(ward)  # refused and unanswered consent too
    assert unlisted.pk not in visible  # only the roster's persons
    # The roster itself keeps its consent rule.
    assert seen(ward.association_member, DataScope.ROSTER) == {ward.people.a1_agreed.pk, ward.people.a2_agreed.pk}


def test_responders_see_the_events_whole_area_and_community_groups_only_their_own(ward):
    fire = member_of(OrganisationKind.FIRE, "大正消防署")
    police = member_of(OrganisationKind.POLICE, "大正警察署")
    bousai = member_of(OrganisationKind.WARD_DISASTER, "大正区役所 防災担当")
    event_declare(
        user=bousai, name="地震", kind=DisasterKind.EARTHQUAKE, districts=[ward.districts.a, ward.districts.b]
    )
    everyone_listed = {p.pk for p in vars(ward.people).values()}

    assert seen(fire) == seen(police) == seen(bousai) == everyone_listed
    assert seen(ward.association_member) == listed_in_a(ward)  # its agreement's district A only
    # The commissioner's 担当区域 is district B.
    assert seen(ward.commissioner) == {
        ward.people.b1_agreed.pk,
        ward.people.b1_unanswered.pk,
        ward.people.b1_refused.pk,
    }
    # An organisation without a grant of the disaster kinds: nothing.
    assert seen(ward.ward_clerk) == set()


def test_ending_the_event_closes_the_access_at_once(ward, district_a_event):
    assert seen(ward.association_member) == listed_in_a(ward)

    event_end(user=ward.ward_officer, event_id=district_a_event.pk)

    assert seen(ward.association_member) == set()


def test_the_access_runs_from_the_start_to_the_planned_end(ward):
    now = timezone.now()
    later = event_declare(
        user=ward.ward_officer,
        name="台風の接近",
        kind=DisasterKind.STORM_FLOOD,
        districts=[ward.districts.a],
        started_at=now + datetime.timedelta(hours=1),
        planned_end_at=now + datetime.timedelta(hours=3),
    )
    assert seen(ward.association_member) == set()  # not begun

    later.started_at = now - datetime.timedelta(minutes=1)
    later.save(update_fields=["started_at"])
    assert seen(ward.association_member) == listed_in_a(ward)

    later.planned_end_at = now - datetime.timedelta(seconds=1)
    later.save(update_fields=["planned_end_at"])
    assert seen(ward.association_member) == set()  # the planned end passed: closed without anyone acting


def test_only_the_ward_and_its_disaster_section_declare_and_each_for_its_own_ward(ward):
    with pytest.raises(CapabilityDenied):
        event_declare(user=ward.association_member, name="x", kind=DisasterKind.FIRE, districts=[ward.districts.a])
    city = build_city(ward)
    with pytest.raises(DisasterError):
        event_declare(user=ward.ward_officer, name="x", kind=DisasterKind.FIRE, districts=[city.districts.a])
    with pytest.raises(DisasterError):
        event_declare(user=ward.ward_officer, name="x", kind=DisasterKind.FIRE, districts=[])


def test_declaring_and_ending_are_logged(ward, district_a_event):
    event_end(user=ward.ward_officer, event_id=district_a_event.pk)
    entries = AuditEntry.objects.filter(target_type=AuditTarget.DISASTER_EVENT).order_by("pk")
    assert [e.action for e in entries] == [AuditAction.CREATE, AuditAction.UPDATE]
    with pytest.raises(DisasterError):
        event_end(user=ward.ward_officer, event_id=district_a_event.pk)


# --- safety reports -------------------------------------------------------------------------------------------


def report(user, event, person, status, *, minutes_ago=0, **kwargs):
    observed = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    return safety_report_record(
        user=user, event_id=event.pk, person_id=person.pk, status=status, observed_at=observed, **kwargs
    )


def test_a_supporter_records_a_status_and_the_list_shows_it_logged_as_disaster_access(ward, district_a_event):
    person = ward.people.a1_refused  # refused consent: reachable only because of the event

    report(ward.association_member, district_a_event, person, SafetyStatus.EVACUATED, place="泉尾小学校")
    listing = safety_list(user=ward.association_member, event_id=district_a_event.pk)

    row = next(r for r in listing.rows if r.person.pk == person.pk)
    assert (row.status, row.current.place) == (SafetyStatus.EVACUATED, "泉尾小学校")
    assert listing.total == 4 and listing.confirmed == 1
    assert listing.counts[SafetyStatus.UNCONFIRMED] == 3
    assert listing.rows[-1].person.pk == person.pk  # unconfirmed first
    entries = AuditEntry.objects.filter(target_type=AuditTarget.SAFETY_REPORT).order_by("pk")
    assert [(e.action, e.purpose) for e in entries] == [
        (AuditAction.CREATE, DISASTER_ACCESS),
        (AuditAction.LIST, DISASTER_ACCESS),
    ]
    assert set(entries.last().target_ids) == listed_in_a(ward)


def test_the_safety_list_comes_in_pages_unconfirmed_and_conflicts_first_and_logs_only_the_page(ward, district_a_event):
    p = ward.people
    report(ward.association_member, district_a_event, p.a1_agreed, SafetyStatus.SAFE, minutes_ago=30)
    report(ward.association_member, district_a_event, p.a2_agreed, SafetyStatus.SAFE, minutes_ago=10)
    report(ward.ward_officer, district_a_event, p.a2_agreed, SafetyStatus.NEEDS_HELP, minutes_ago=5)  # a conflict
    report(ward.association_member, district_a_event, p.a1_refused, SafetyStatus.ABSENT, minutes_ago=5)

    first = safety_list(user=ward.ward_officer, event_id=district_a_event.pk, page=1, page_size=2)
    second = safety_list(user=ward.ward_officer, event_id=district_a_event.pk, page=2, page_size=2)

    # Unconfirmed (不在 included) before confirmed; among the confirmed the conflict comes first.
    assert {r.person.pk for r in first.rows} == {p.a1_refused.pk, p.a2_unanswered.pk}
    assert [r.person.pk for r in second.rows] == [p.a2_agreed.pk, p.a1_agreed.pk]
    assert (first.total, first.confirmed, first.page.paginator.num_pages) == (4, 2, 2)
    logged = AuditEntry.objects.filter(target_type=AuditTarget.SAFETY_REPORT, action=AuditAction.LIST).order_by("pk")
    assert [set(e.target_ids) for e in logged] == [
        {p.a1_refused.pk, p.a2_unanswered.pk},
        {p.a2_agreed.pk, p.a1_agreed.pk},
    ]


def test_the_current_status_is_the_latest_observed_not_the_latest_received(ward, district_a_event):
    person = ward.people.a1_agreed
    report(ward.association_member, district_a_event, person, SafetyStatus.SAFE, minutes_ago=120)
    # Sent later from a phone that was offline, but observed earlier: it does not overwrite.
    report(ward.association_member, district_a_event, person, SafetyStatus.UNREACHABLE, minutes_ago=240)

    row = next(r for r in safety_list(user=ward.ward_officer, event_id=district_a_event.pk).rows if r.person == person)
    assert row.status == SafetyStatus.SAFE
    assert len(row.reports) == 2


def test_reports_that_disagree_within_minutes_are_flagged_side_by_side(ward, district_a_event):
    person = ward.people.a2_agreed
    safe = report(ward.association_member, district_a_event, person, SafetyStatus.SAFE, minutes_ago=10).report
    rescue = report(ward.ward_officer, district_a_event, person, SafetyStatus.NEEDS_HELP, minutes_ago=5).report
    other = ward.people.a1_agreed
    report(ward.association_member, district_a_event, other, SafetyStatus.NEEDS_HELP, minutes_ago=200)
    report(ward.association_member, district_a_event, other, SafetyStatus.SAFE, minutes_ago=200 - 2 * 30 - 1)

    rows = {r.person.pk: r for r in safety_list(user=ward.ward_officer, event_id=district_a_event.pk).rows}

    assert rows[person.pk].status == SafetyStatus.NEEDS_HELP
    assert rows[person.pk].conflicts == [safe]
    assert rescue in rows[person.pk].reports and safe in rows[person.pk].reports  # nothing overwritten
    assert CONFLICT_WINDOW < datetime.timedelta(minutes=61)
    assert rows[other.pk].conflicts == []  # an hour apart: a change, not a conflict


def test_reports_are_append_only(ward, district_a_event):
    stored = report(ward.association_member, district_a_event, ward.people.a1_agreed, SafetyStatus.SAFE).report
    stored.status = SafetyStatus.INJURED
    with pytest.raises(AppendOnlyError, match="安否の報告は変更できません"):
        stored.save()
    with pytest.raises(AppendOnlyError, match="安否の報告は削除できません"):
        stored.delete()
    assert SafetyReport.objects.get().status == SafetyStatus.SAFE


def test_a_report_resent_with_the_same_id_is_stored_once(ward, district_a_event):
    client_id = uuid.uuid4()
    first = report(
        ward.association_member, district_a_event, ward.people.a1_agreed, SafetyStatus.SAFE, client_id=client_id
    )
    again = report(
        ward.association_member, district_a_event, ward.people.a1_agreed, SafetyStatus.SAFE, client_id=client_id
    )

    assert (first.created, again.created) == (True, False)
    assert again.report.pk == first.report.pk
    assert SafetyReport.objects.count() == 1
    with pytest.raises(DisasterError):  # another user's id
        report(ward.ward_officer, district_a_event, ward.people.a1_agreed, SafetyStatus.SAFE, client_id=client_id)


def test_a_person_outside_the_event_or_the_users_area_is_404(ward, district_a_event):
    with pytest.raises(Http404):
        report(ward.association_member, district_a_event, ward.people.b1_agreed, SafetyStatus.SAFE)
    with pytest.raises(Http404):  # the ward sees district B, but the event does not cover it
        report(ward.ward_officer, district_a_event, ward.people.b1_agreed, SafetyStatus.SAFE)
    assert not SafetyReport.objects.exists()


def test_after_the_event_nothing_more_is_recorded_and_bad_input_is_refused(ward, district_a_event):
    with pytest.raises(DisasterError):
        report(ward.association_member, district_a_event, ward.people.a1_agreed, SafetyStatus.SAFE, minutes_ago=-60)
    with pytest.raises(DisasterError):
        report(ward.association_member, district_a_event, ward.people.a1_agreed, SafetyStatus.UNCONFIRMED)
    event_end(user=ward.ward_officer, event_id=district_a_event.pk)
    for user in (ward.ward_officer, ward.association_member):  # a supporter's queue sent late is told why
        with pytest.raises(DisasterError):
            report(user, district_a_event, ward.people.a1_agreed, SafetyStatus.SAFE)
    assert not SafetyReport.objects.exists()


def test_the_dashboard_counts_by_status_and_lists_the_unconfirmed_with_their_phones(ward, district_a_event):
    p = ward.people
    report(ward.association_member, district_a_event, p.a1_agreed, SafetyStatus.SAFE, minutes_ago=130)
    report(ward.association_member, district_a_event, p.a1_refused, SafetyStatus.NEEDS_HELP, minutes_ago=20)
    report(ward.ward_officer, district_a_event, p.a1_refused, SafetyStatus.SAFE, minutes_ago=15)  # a conflict
    report(ward.association_member, district_a_event, p.a2_agreed, SafetyStatus.UNREACHABLE, minutes_ago=5)

    board = dashboard(user=ward.ward_officer, event_id=district_a_event.pk)

    assert board.total == 4
    assert board.counts[SafetyStatus.SAFE] == 2
    assert board.counts[SafetyStatus.UNREACHABLE] == 1
    assert board.counts[SafetyStatus.UNCONFIRMED] == 1
    assert (board.confirmed, board.rate) == (2, 0.5)
    assert board.conflicts == 1
    # 連絡つかず is not confirmed: a caller still has to try.
    assert {person.pk for person in board.unconfirmed} == {p.a2_unanswered.pk, p.a2_agreed.pk}
    assert board.unconfirmed_total == 2
    # The rate over time: one person first confirmed two hours ago, the other a quarter of an hour ago.
    assert [n for _hour, n, _rate in board.timeline] in ([1, 1], [2])
    assert board.timeline[-1][2] == 0.5
    entry = AuditEntry.objects.filter(target_type=AuditTarget.SAFETY_REPORT, action=AuditAction.LIST).get()
    assert (entry.purpose, set(entry.target_ids)) == (DISASTER_ACCESS, {p.a2_unanswered.pk, p.a2_agreed.pk})


def test_the_event_keeps_a_row_for_every_listed_person_and_follows_a_new_roster_build(ward, district_a_event):
    p = ward.people
    # Declared: one 未確認 row per listed person of its districts, none for the rest of the ward.
    rows = SafetyCurrent.objects.filter(event=district_a_event)
    assert {r.person_id: r.status for r in rows} == dict.fromkeys(listed_in_a(ward), SafetyStatus.UNCONFIRMED)
    report(ward.association_member, district_a_event, p.a1_refused, SafetyStatus.SAFE, minutes_ago=30)

    # A new build during the event: a newly listed person is counted, one no longer listed is not, and the
    # reports of the one dropped stay.
    newcomer = PersonFactory(town=ward.towns.a1)
    kept = [person for person in vars(p).values() if person.pk != p.a1_refused.pk]
    list_on_roster([*kept, newcomer], number=2)
    board = dashboard(user=ward.ward_officer, event_id=district_a_event.pk)

    assert {person.pk for person in board.unconfirmed} == listed_in_a(ward) - {p.a1_refused.pk} | {newcomer.pk}
    assert (board.total, board.confirmed) == (4, 0)
    assert SafetyReport.objects.filter(event=district_a_event, person=p.a1_refused).count() == 1
    assert not SafetyCurrent.objects.get(event=district_a_event, person=p.a1_refused).listed
    # Listed again by the next build: counted again, with their status.
    list_on_roster(list(vars(p).values()), number=3)
    board = dashboard(user=ward.ward_officer, event_id=district_a_event.pk)
    assert (board.total, board.counts[SafetyStatus.SAFE]) == (4, 1)


def test_the_dashboard_counts_and_names_exactly_the_persons_each_user_sees(ward):
    fire = member_of(OrganisationKind.FIRE, "大正消防署")
    both = [ward.districts.a, ward.districts.b]
    event = event_declare(user=ward.ward_officer, name="地震", kind=DisasterKind.EARTHQUAKE, districts=both)
    report(ward.commissioner, event, ward.people.b1_refused, SafetyStatus.SAFE, minutes_ago=1)

    for user in (ward.ward_officer, fire, ward.association_member, ward.commissioner):
        board = dashboard(user=user, event_id=event.pk)
        visible = seen(user)
        assert board.total == len(visible)
        assert {p.pk for p in board.unconfirmed} == visible - {ward.people.b1_refused.pk}
        assert board.confirmed == (1 if ward.people.b1_refused.pk in visible else 0)


def test_the_kept_current_status_follows_the_latest_observed_report(ward, district_a_event):
    person = ward.people.a1_agreed
    report(ward.association_member, district_a_event, person, SafetyStatus.SAFE, minutes_ago=60)
    report(ward.association_member, district_a_event, person, SafetyStatus.ABSENT, minutes_ago=120)  # sent late

    current = SafetyCurrent.objects.get(event=district_a_event, person=person)
    assert current.status == SafetyStatus.SAFE
    assert current.first_confirmed_at == current.observed_at
    report(ward.association_member, district_a_event, person, SafetyStatus.INJURED, minutes_ago=10)
    current.refresh_from_db()
    assert current.status == SafetyStatus.INJURED
    assert current.first_confirmed_at < current.observed_at
    assert not current.has_conflict  # 50 minutes apart: a change


def test_an_event_declared_for_later_opens_when_started_and_keeps_its_planned_length(ward):
    now = timezone.now()
    drill = event_declare(
        user=ward.ward_officer,
        name="総合防災訓練",
        kind=DisasterKind.EARTHQUAKE,
        districts=[ward.districts.a],
        is_drill=True,
        started_at=now + datetime.timedelta(days=1),
        planned_end_at=now + datetime.timedelta(days=1, hours=4),
    )
    assert seen(ward.association_member) == set()

    started = event_start(user=ward.ward_officer, event_id=drill.pk)

    assert seen(ward.association_member) == listed_in_a(ward)
    assert started.planned_end_at - started.started_at == datetime.timedelta(hours=4)
    with pytest.raises(DisasterError):
        event_start(user=ward.ward_officer, event_id=drill.pk)
    with pytest.raises(CapabilityDenied):
        event_start(user=ward.association_member, event_id=drill.pk)
