"""The watch-over services as their users rely on them: where a concern goes (the routing table), recording a
visit (back-dating, clock drift, resent reports) with its escalation in the same write, the professional's
acknowledge and close, what resurfaces as overdue, the bulk assignment from the roster, and the SQL form of the
overdue rule agreeing with the Python one."""

import dataclasses
import datetime
import uuid
from types import SimpleNamespace

import pytest
from django.http import Http404
from django.utils import timezone

from tsunagu.access.policy import CapabilityDenied, Refused
from tsunagu.core.wareki import today_jst
from tsunagu.organisations.models import DataScope, OrganisationKind
from tsunagu.roster.models import RosterEntryReason, RosterRule, RuleKind
from tsunagu.testing.factories import (
    DistrictFactory,
    DistrictTypeFactory,
    OrganisationFactory,
    PersonFactory,
)
from tsunagu.testing.personas import build_city
from tsunagu.watch.models import (
    ConcernTag,
    Escalation,
    EscalationRoute,
    EscalationStatus,
    VisitMethod,
    VisitOutcome,
    WatchAssignment,
    WatchFrequency,
    WatchVisit,
)
from tsunagu.watch.periods import is_overdue, previous_period_start
from tsunagu.watch.selectors import escalations_for_watcher, overdue_escalations, overdue_worklist, with_last_contact
from tsunagu.watch.selectors.periods_sql import overdue_q
from tsunagu.watch.services import (
    BulkResult,
    WatchError,
    assignments_bulk_create,
    escalation_acknowledge,
    escalation_close,
    roster_candidates,
    route_for,
    route_save,
    visit_record,
)
from tsunagu.watch.services.escalations import ALREADY_CLOSED_MESSAGE
from tsunagu.watch.services.routing import CONCERN_PRECEDENCE
from tsunagu.watch.services.visits import (
    BEFORE_START_MESSAGE,
    CLIENT_ID_TAKEN_MESSAGE,
    FUTURE_MESSAGE,
    NO_RECEIVER_MESSAGE,
    NOT_WATCHING_MESSAGE,
    TOO_OLD_MESSAGE,
)

from .conftest import watch_consent

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
CLOSING_NOTE = "長女に連絡し、来週の受診に同行してもらうことになった"


def record(user, person, **kwargs):
    kwargs.setdefault("method", VisitMethod.VISIT)
    kwargs.setdefault("outcome", VisitOutcome.FINE)
    return visit_record(user=user, person_id=person.pk, **kwargs)


def at(day: datetime.date, hour: int = 0, minute: int = 0) -> datetime.datetime:
    """A moment of a day in the site's time zone (Asia/Tokyo)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def receiver(name: str):
    return OrganisationFactory(name=name, kind=OrganisationKind.CARE_PLAZA)


# -- Routing ----------------------------------------------------------------------------------------------------


@pytest.fixture
def receivers(ward):
    """One receiver per row of the routing table, so the row that won can be told from the organisation."""
    return SimpleNamespace(
        district_concern=receiver("地区と内容の窓口"),
        district=receiver("地区の窓口"),
        concern=receiver("内容の窓口"),
        default=receiver("区全体の窓口"),
    )


def test_the_most_specific_route_wins_and_without_any_the_ward_welfare_section_receives(ward, receivers):
    person = ward.people.b1_agreed  # district B
    health = [ConcernTag.HEALTH]
    # Made from the least to the most specific, so the answer cannot come from the order of the rows.
    default = EscalationRoute.objects.create(organisation=receivers.default)
    concern = EscalationRoute.objects.create(concern=ConcernTag.HEALTH, organisation=receivers.concern)
    district = EscalationRoute.objects.create(district=ward.districts.b, organisation=receivers.district)
    district_concern = EscalationRoute.objects.create(
        district=ward.districts.b, concern=ConcernTag.HEALTH, organisation=receivers.district_concern
    )
    # Rows that do not apply: another district, another concern.
    EscalationRoute.objects.create(district=ward.districts.a, concern=ConcernTag.HEALTH, organisation=ward.orgs.shakyo)
    EscalationRoute.objects.create(district=ward.districts.b, concern=ConcernTag.MEALS, organisation=ward.orgs.shakyo)

    answers = []
    for row in (district_concern, district, concern, default):
        answers.append(route_for(person, health))
        row.delete()
    answers.append(route_for(person, health))

    assert answers == [
        receivers.district_concern,
        receivers.district,
        receivers.concern,
        receivers.default,
        ward.orgs.ward_office,
    ]


def test_a_visit_without_concern_tags_takes_the_district_route(ward, receivers):
    EscalationRoute.objects.create(organisation=receivers.default)
    EscalationRoute.objects.create(concern=ConcernTag.ABUSE, organisation=receivers.concern)
    EscalationRoute.objects.create(district=ward.districts.b, organisation=receivers.district)

    assert route_for(ward.people.b1_agreed, []) == receivers.district
    assert route_for(ward.people.a1_agreed, []) == receivers.default


def test_of_two_districts_holding_the_town_the_smaller_one_decides(ward, receivers):
    federation = DistrictTypeFactory(code="federation", name="連合町会")
    # One district of another layer holding every town of the ward, district B among them.
    everything = DistrictFactory(district_type=federation, code="F1", name="大正連合")
    for town in (ward.towns.a1, ward.towns.a2, ward.towns.b1):
        town.town_districts.create(district=everything, district_type=federation)
    EscalationRoute.objects.create(district=everything, organisation=receivers.default)
    EscalationRoute.objects.create(district=ward.districts.b, organisation=receivers.district)

    assert route_for(ward.people.b1_agreed, []) == receivers.district
    assert route_for(ward.people.a1_agreed, []) == receivers.default


def test_the_precedence_of_concerns_names_every_concern_once_abuse_first():
    assert CONCERN_PRECEDENCE[0] == ConcernTag.ABUSE
    assert sorted(CONCERN_PRECEDENCE) == sorted(ConcernTag.values)


@pytest.mark.parametrize("in_district", [True, False], ids=["district-and-concern", "concern-only"])
def test_of_two_concerns_of_one_visit_the_graver_decides(ward, in_district):
    district = ward.districts.b if in_district else None
    # One receiver per concern, made in reverse precedence so the gravest has the highest id.
    by_concern = {}
    for concern in reversed(CONCERN_PRECEDENCE):
        by_concern[concern] = receiver(f"窓口 {concern}")
        EscalationRoute.objects.create(district=district, concern=concern, organisation=by_concern[concern])
    person = ward.people.b1_agreed

    for graver_index, graver in enumerate(CONCERN_PRECEDENCE):
        for lighter in CONCERN_PRECEDENCE[graver_index + 1 :]:
            assert route_for(person, [lighter, graver]) == by_concern[graver], (graver, lighter)
            assert route_for(person, [graver, lighter]) == by_concern[graver], (graver, lighter)

    assert route_for(person, [ConcernTag.MEALS, ConcernTag.ABUSE, ConcernTag.ISOLATION]) == by_concern["abuse"]


def test_a_route_to_an_inactive_organisation_is_skipped(ward, receivers):
    closed = receiver("閉じた窓口")
    closed.is_active = False
    closed.save()
    EscalationRoute.objects.create(district=ward.districts.b, concern=ConcernTag.HEALTH, organisation=closed)
    EscalationRoute.objects.create(district=ward.districts.b, organisation=receivers.district)

    assert route_for(ward.people.b1_agreed, [ConcernTag.HEALTH]) == receivers.district

    EscalationRoute.objects.filter(organisation=receivers.district).delete()

    assert route_for(ward.people.b1_agreed, [ConcernTag.HEALTH]) == ward.orgs.ward_office


def test_without_a_route_or_an_active_welfare_section_the_visit_is_kept_and_the_watcher_told(ward, watched):
    ward.orgs.ward_office.is_active = False
    ward.orgs.ward_office.save()

    assert route_for(ward.people.b1_agreed, [ConcernTag.HEALTH]) is None
    result = record(ward.commissioner, ward.people.b1_agreed, outcome=VisitOutcome.URGENT)

    assert (result.created, result.escalation, result.warning) == (True, None, str(NO_RECEIVER_MESSAGE))
    assert WatchVisit.objects.count() == 1
    assert not Escalation.objects.exists()


# -- Recording a visit ------------------------------------------------------------------------------------------


def test_a_back_dated_visit_keeps_when_it_was_observed_apart_from_when_it_was_recorded(ward, watched):
    before = timezone.now()
    observed = before - datetime.timedelta(days=3, hours=2)

    result = record(ward.commissioner, ward.people.b1_agreed, observed_at=observed, method=VisitMethod.PHONE)

    visit = WatchVisit.objects.get()
    assert (result.created, result.visit) == (True, visit)
    assert visit.observed_at == observed
    assert before <= visit.recorded_at <= timezone.now()
    assert (visit.assignment, visit.person, visit.recorded_by) == (
        watched.assignment,
        ward.people.b1_agreed,
        ward.commissioner,
    )


def test_a_phone_clock_a_few_minutes_fast_is_tolerated(ward, watched):
    five_minutes_ahead = timezone.now() + datetime.timedelta(minutes=5)

    result = record(ward.commissioner, ward.people.b1_agreed, observed_at=five_minutes_ahead)

    assert result.created


@pytest.mark.parametrize("ahead", [datetime.timedelta(minutes=11), DAY], ids=["11-minutes", "a-day"])
def test_a_visit_in_the_future_beyond_clock_drift_is_refused(ward, watched, ahead):
    with pytest.raises(WatchError) as refused:
        record(ward.commissioner, ward.people.b1_agreed, observed_at=timezone.now() + ahead)

    assert refused.value.messages == [FUTURE_MESSAGE]
    assert not WatchVisit.objects.exists()


def test_a_visit_more_than_a_year_ago_is_refused(ward, watched):
    with pytest.raises(WatchError) as refused:
        record(ward.commissioner, ward.people.b1_agreed, observed_at=timezone.now() - datetime.timedelta(days=400))

    assert refused.value.messages == [TOO_OLD_MESSAGE]


def test_a_visit_before_the_watch_began_is_refused(ward, watched):
    WatchAssignment.objects.filter(pk=watched.second.pk).update(started_on=today_jst() - 3 * DAY)
    person = ward.people.b1_unanswered

    with pytest.raises(WatchError) as refused:
        record(ward.commissioner, person, observed_at=timezone.now() - 5 * DAY)

    assert refused.value.messages == [BEFORE_START_MESSAGE]
    assert not WatchVisit.objects.exists()
    assert record(ward.commissioner, person, observed_at=timezone.now() - DAY).created


def test_someone_who_does_not_see_the_person_gets_not_found(ward, watched):
    """The 町会 member does not even see the commissioner's person: the same 404 as for an id that does not
    exist, so the attempt reveals nothing."""
    with pytest.raises(Http404):
        record(ward.association_member, ward.people.b1_agreed)

    assert not WatchVisit.objects.exists()


def test_someone_who_sees_the_person_but_does_not_watch_them_is_told_so(ward):
    """Under an agreement covering WATCH the 町会 sees the watched persons of district A, but it is the
    commissioner who watches them: the 町会 member is told they are not the watcher."""
    agreement = ward.agreements.association
    agreement.data_scopes = [DataScope.ROSTER, DataScope.WATCH]
    agreement.save()
    person = ward.people.a2_agreed
    watch_consent(person)
    WatchAssignment.objects.create(person=person, organisation=ward.orgs.minsei, watcher=ward.commissioner)

    with pytest.raises(WatchError) as refused:
        record(ward.association_member, person)

    assert refused.value.messages == [NOT_WATCHING_MESSAGE]
    assert not WatchVisit.objects.exists()


@pytest.mark.parametrize(("outcome", "hours"), [(VisitOutcome.CONCERN, 30), (VisitOutcome.URGENT, 3)])
def test_a_concern_is_escalated_once_with_the_visit_and_a_deadline_from_the_settings(
    ward, watched, settings, outcome, hours
):
    settings.TSUNAGU_WATCH_ACKNOWLEDGE_HOURS = {"urgent": 3, "concern": 30}
    before = timezone.now()

    # Back-dated from a paper note: the time to acknowledge runs from when it reached tsunagu.
    result = record(
        ward.commissioner,
        ward.people.b1_agreed,
        outcome=outcome,
        concerns=[ConcernTag.MEALS],
        observed_at=before - 2 * DAY,
    )

    escalation = Escalation.objects.get()
    assert result.escalation == escalation
    assert (escalation.visit, escalation.person, escalation.urgency) == (result.visit, ward.people.b1_agreed, outcome)
    assert escalation.organisation == ward.orgs.ward_office  # no route: the ward's welfare section
    assert before <= escalation.raised_at <= timezone.now()
    assert escalation.acknowledge_by == escalation.raised_at + hours * HOUR
    assert escalation.status == EscalationStatus.OPEN


def test_a_visit_without_concern_is_not_escalated(ward, watched):
    result = record(ward.commissioner, ward.people.b1_agreed, concerns=[ConcernTag.MEALS])

    assert (result.escalation, result.warning) == (None, "")
    assert WatchVisit.objects.count() == 1
    assert not Escalation.objects.exists()


def test_a_concern_that_cannot_be_escalated_is_not_stored_either(ward, watched, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("routing failed")

    monkeypatch.setattr("tsunagu.watch.services.visits.route_for", broken)

    with pytest.raises(RuntimeError):
        record(ward.commissioner, ward.people.b1_agreed, outcome=VisitOutcome.URGENT)

    assert not WatchVisit.objects.exists()
    assert not Escalation.objects.exists()


def test_a_report_sent_twice_is_stored_once(ward, watched):
    client_id = uuid.uuid4()
    first = record(ward.commissioner, ward.people.b1_agreed, outcome=VisitOutcome.CONCERN, client_id=client_id)

    again = record(ward.commissioner, ward.people.b1_agreed, outcome=VisitOutcome.CONCERN, client_id=client_id)

    assert (first.created, again.created) == (True, False)
    assert again.visit == first.visit
    assert again.escalation == first.escalation
    assert WatchVisit.objects.count() == 1
    assert Escalation.objects.count() == 1


def test_a_client_id_used_by_someone_else_is_refused(ward, watched):
    client_id = uuid.uuid4()
    record(ward.commissioner, ward.people.b1_agreed, client_id=client_id)

    with pytest.raises(WatchError) as refused:
        # The ward officer may record a contact with anyone watched, but not under another's report id.
        record(ward.ward_officer, ward.people.b1_agreed, method=VisitMethod.PHONE, client_id=client_id)

    assert refused.value.messages == [CLIENT_ID_TAKEN_MESSAGE]
    assert WatchVisit.objects.get().recorded_by == ward.commissioner


# -- Handling an escalation -------------------------------------------------------------------------------------


@pytest.fixture
def raised(ward, watched):
    """A 気になる about b1_agreed, routed to district B's care plaza."""
    EscalationRoute.objects.create(district=ward.districts.b, organisation=ward.orgs.care_plaza)
    escalation = record(
        ward.commissioner, ward.people.b1_agreed, outcome=VisitOutcome.CONCERN, concerns=[ConcernTag.FORGETFULNESS]
    ).escalation
    assert escalation.organisation == ward.orgs.care_plaza
    return escalation


@pytest.mark.parametrize("handler", ["care_plaza_worker", "ward_officer"], ids=["receiver", "ward-welfare"])
def test_the_receiver_and_the_ward_welfare_section_acknowledge_and_close(ward, raised, handler):
    user = getattr(ward, handler)

    acknowledged = escalation_acknowledge(user, raised.pk)

    assert (acknowledged.status, acknowledged.acknowledged_by) == (EscalationStatus.ACKNOWLEDGED, user)
    closed = escalation_close(user, raised.pk, note=f"  {CLOSING_NOTE}\n")
    raised.refresh_from_db()
    assert (closed.status, raised.status) == (EscalationStatus.CLOSED, EscalationStatus.CLOSED)
    assert (raised.closed_by, raised.closing_note) == (user, CLOSING_NOTE)
    assert raised.acknowledged_at <= raised.closed_at


def test_acknowledging_again_keeps_who_acknowledged_first(ward, raised):
    first = escalation_acknowledge(ward.care_plaza_worker, raised.pk)

    again = escalation_acknowledge(ward.ward_officer, raised.pk)

    assert (again.acknowledged_by, again.acknowledged_at) == (ward.care_plaza_worker, first.acknowledged_at)


def test_closing_without_acknowledging_acknowledges_too(ward, raised):
    closed = escalation_close(ward.care_plaza_worker, raised.pk)

    assert (closed.acknowledged_by, closed.acknowledged_at) == (ward.care_plaza_worker, closed.closed_at)


@pytest.mark.parametrize("act", [escalation_acknowledge, escalation_close], ids=["acknowledge", "close"])
def test_another_professional_who_sees_the_person_is_refused(ward, raised, act):
    # The 社協 covering the whole ward sees the person, but the care plaza received the concern.
    ward.orgs.shakyo.service_districts.add(ward.districts.b)

    with pytest.raises(Refused):
        act(ward.shakyo_coordinator, raised.pk)

    raised.refresh_from_db()
    assert (raised.acknowledged_at, raised.closed_at) == (None, None)


def test_the_watcher_who_raised_it_cannot_handle_it(ward, raised):
    with pytest.raises(Refused):
        escalation_close(ward.commissioner, raised.pk, note="自分で対応")

    raised.refresh_from_db()
    assert raised.status == EscalationStatus.OPEN


def test_a_professional_who_does_not_see_the_person_gets_not_found(ward, raised):
    # The 社協 of the fixture serves district A only.
    with pytest.raises(Http404):
        escalation_acknowledge(ward.shakyo_coordinator, raised.pk)


def test_closing_twice_is_refused_and_keeps_the_first_note(ward, raised):
    escalation_close(ward.care_plaza_worker, raised.pk, note=CLOSING_NOTE)

    with pytest.raises(WatchError) as refused:
        escalation_close(ward.ward_officer, raised.pk, note="重ねて")

    assert refused.value.messages == [ALREADY_CLOSED_MESSAGE]
    raised.refresh_from_db()
    assert (raised.closing_note, raised.closed_by) == (CLOSING_NOTE, ward.care_plaza_worker)


def test_the_watcher_sees_that_it_was_handled_never_the_closing_note(ward, raised):
    escalation_close(ward.care_plaza_worker, raised.pk, note=CLOSING_NOTE)

    views = escalations_for_watcher(ward.commissioner, ward.people.b1_agreed.pk)

    assert len(views) == 1
    view = views[0]
    assert {f.name for f in dataclasses.fields(view)} == {
        "raised_at",
        "status",
        "status_label",
        "acknowledged_at",
        "closed_at",
    }
    assert (view.status, view.status_label) == (EscalationStatus.CLOSED, "対応しました")
    assert view.closed_at is not None
    assert CLOSING_NOTE not in repr(view)
    assert ward.orgs.care_plaza.name not in repr(view)


def test_the_watcher_sees_only_the_escalations_they_raised(ward, raised):
    record(ward.ward_officer, ward.people.b1_agreed, method=VisitMethod.PHONE, outcome=VisitOutcome.URGENT)

    assert [v.raised_at for v in escalations_for_watcher(ward.commissioner, ward.people.b1_agreed.pk)] == [
        raised.raised_at
    ]


# -- Escalations left unacknowledged ----------------------------------------------------------------------------


def raised_ago(escalation: Escalation, delta: datetime.timedelta) -> None:
    """Move the escalation `delta` further into the past: its deadline moves with it."""
    escalation.refresh_from_db()
    Escalation.objects.filter(pk=escalation.pk).update(
        raised_at=escalation.raised_at - delta, acknowledge_by=escalation.acknowledge_by - delta
    )


def overdue_ids(user) -> list[int]:
    return [row.escalation.pk for row in overdue_escalations(user=user)]


def test_an_escalation_past_its_deadline_resurfaces_for_the_ward_welfare_section(ward, raised):
    # 気になる: 48 hours by default.
    raised_ago(raised, 47 * HOUR)
    assert overdue_ids(ward.ward_officer) == []

    raised_ago(raised, 2 * HOUR)

    rows = overdue_escalations(user=ward.ward_officer)
    assert [(row.escalation.pk, row.overdue) for row in rows] == [(raised.pk, True)]
    assert overdue_ids(ward.commissioner) == []
    assert overdue_ids(ward.shakyo_coordinator) == []


def test_an_urgent_escalation_resurfaces_after_two_hours(ward, watched):
    urgent = record(ward.commissioner, ward.people.b1_agreed, outcome=VisitOutcome.URGENT).escalation

    raised_ago(urgent, 2 * HOUR + datetime.timedelta(minutes=1))

    assert overdue_ids(ward.ward_officer) == [urgent.pk]


@pytest.mark.parametrize("act", [escalation_acknowledge, escalation_close], ids=["acknowledged", "closed"])
def test_an_acknowledged_or_closed_escalation_does_not_resurface(ward, raised, act):
    raised_ago(raised, 72 * HOUR)
    assert overdue_ids(ward.ward_officer) == [raised.pk]

    act(ward.care_plaza_worker, raised.pk)

    assert overdue_ids(ward.ward_officer) == []


# -- Persons overdue for contact --------------------------------------------------------------------------------


def contact(assignment, user, when, method=VisitMethod.VISIT):
    return WatchVisit.objects.create(
        assignment=assignment,
        person=assignment.person,
        observed_at=when,
        recorded_by=user,
        method=method,
        outcome=VisitOutcome.FINE,
    )


def overdue_persons(user) -> set[int]:
    report = overdue_worklist(user=user)
    assert report.total == len(report.rows)
    return {row.person.pk for row in report.rows}


def test_the_worklist_lists_whom_nobody_reached_in_the_previous_period(ward, watched):
    today = today_jst()
    monthly = watched.assignment  # b1_agreed, monthly, since 2024
    weekly = watched.second  # b1_unanswered, weekly, since 2024
    previous_month = previous_period_start(WatchFrequency.MONTHLY, today)
    just_in_time = WatchAssignment.objects.create(
        person=ward.people.b1_refused,
        organisation=ward.orgs.minsei,
        watcher=ward.commissioner,
        frequency=WatchFrequency.MONTHLY,
        started_on=monthly.started_on,
    )
    contact(monthly, ward.commissioner, at(previous_month - DAY, 12))
    contact(weekly, ward.commissioner, timezone.now())
    contact(just_in_time, ward.commissioner, at(previous_month))  # midnight at the start of the previous month

    assert overdue_persons(ward.ward_officer) == {ward.people.b1_agreed.pk}

    contact(monthly, ward.commissioner, timezone.now() - HOUR)

    assert overdue_persons(ward.ward_officer) == set()


def test_an_absent_visit_is_not_a_contact(ward, watched):
    weekly = watched.second
    contact(watched.assignment, ward.commissioner, timezone.now())  # the monthly one is done
    contact(weekly, ward.commissioner, timezone.now(), method=VisitMethod.ABSENT)

    assert overdue_persons(ward.ward_officer) == {ward.people.b1_unanswered.pk}

    contact(weekly, ward.commissioner, timezone.now(), method=VisitMethod.GREETING)

    assert overdue_persons(ward.ward_officer) == set()


def test_a_watch_begun_during_the_previous_period_is_not_overdue_yet(ward, watched):
    contact(watched.second, ward.commissioner, timezone.now())
    previous_month = previous_period_start(WatchFrequency.MONTHLY, today_jst())
    WatchAssignment.objects.filter(pk=watched.assignment.pk).update(started_on=previous_month + DAY)

    assert overdue_persons(ward.ward_officer) == set()

    WatchAssignment.objects.filter(pk=watched.assignment.pk).update(started_on=previous_month)

    assert overdue_persons(ward.ward_officer) == {ward.people.b1_agreed.pk}


def test_the_worklist_is_for_staff_only(ward, watched):
    with pytest.raises(CapabilityDenied):
        overdue_worklist(user=ward.commissioner)


# -- Assigning from the roster ----------------------------------------------------------------------------------


def bulk(user, ward, **kwargs):
    kwargs.setdefault("district_id", ward.districts.b.pk)
    kwargs.setdefault("rule_id", None)
    kwargs.setdefault("organisation", ward.orgs.minsei)
    kwargs.setdefault("watcher", ward.commissioner)
    return assignments_bulk_create(user=user, **kwargs)


def test_a_district_is_assigned_once_and_a_second_run_skips_everyone(ward):
    district_b = {ward.people.b1_agreed.pk, ward.people.b1_unanswered.pk, ward.people.b1_refused.pk}

    first = bulk(ward.ward_officer, ward)

    assert first == BulkResult(created=3, skipped=0)
    assignments = list(WatchAssignment.objects.all())
    assert {a.person_id for a in assignments} == district_b
    assert {(a.organisation, a.watcher, a.started_on, a.created_by) for a in assignments} == {
        (ward.orgs.minsei, ward.commissioner, today_jst(), ward.ward_officer)
    }

    again = bulk(ward.ward_officer, ward)

    assert (again, again.total) == (BulkResult(created=0, skipped=3), 3)
    assert WatchAssignment.objects.count() == 3


def test_a_person_whose_watch_ended_is_assigned_anew(ward):
    bulk(ward.ward_officer, ward)
    WatchAssignment.objects.filter(person=ward.people.b1_refused).update(ended_on=today_jst())

    assert bulk(ward.ward_officer, ward) == BulkResult(created=1, skipped=2)


def test_a_rule_narrows_the_bulk_assignment_to_the_persons_listed_for_it(ward):
    rule = RosterRule.objects.create(label="要介護3以上", kind=RuleKind.CARE_LEVEL, threshold="care_3")
    for person in (ward.people.b1_unanswered, ward.people.a1_agreed):
        RosterEntryReason.objects.create(build=ward.roster, person=person, rule=rule, label=rule.label)

    result = bulk(ward.ward_officer, ward, rule_id=rule.pk)

    assert result == BulkResult(created=1, skipped=0)
    assert list(WatchAssignment.objects.values_list("person_id", flat=True)) == [ward.people.b1_unanswered.pk]


def test_the_candidates_are_the_listed_persons_the_staff_member_sees(ward):
    """The care plaza serves district B: without a district it reaches district B's persons, nobody else."""
    district_b = {ward.people.b1_agreed.pk, ward.people.b1_unanswered.pk, ward.people.b1_refused.pk}
    PersonFactory(town=ward.towns.b1)  # not on the roster

    assert set(roster_candidates(user=ward.care_plaza_worker, district_id=None, rule_id=None)) == district_b
    assert set(roster_candidates(user=ward.ward_officer, district_id=None, rule_id=None)) == {
        p.pk for p in vars(ward.people).values()
    }
    result = bulk(ward.care_plaza_worker, ward, district_id=None, organisation=ward.orgs.care_plaza, watcher=None)
    assert result == BulkResult(created=3, skipped=0)


@pytest.mark.parametrize("persona", ["commissioner", "association_member", "outsider"])
def test_bulk_assignment_needs_the_manage_watch_capability(ward, persona):
    with pytest.raises(CapabilityDenied):
        bulk(getattr(ward, persona), ward)

    assert not WatchAssignment.objects.exists()


# -- The overdue rule in SQL ------------------------------------------------------------------------------------

OVERDUE_DAYS = [
    datetime.date(2024, 1, 14),  # the last day of the first fortnight
    datetime.date(2024, 1, 15),
    datetime.date(2024, 1, 31),
    datetime.date(2024, 2, 29),
    datetime.date(2024, 3, 1),
    datetime.date(2024, 3, 31),  # the end of the fiscal year
    datetime.date(2024, 4, 1),
    datetime.date(2024, 6, 30),
    datetime.date(2024, 7, 1),
    datetime.date(2024, 9, 30),
    datetime.date(2024, 10, 1),
    datetime.date(2024, 12, 31),
    datetime.date(2025, 1, 1),
]


def test_the_sql_overdue_condition_agrees_with_is_overdue(ward):
    """Per day and frequency: a last contact just before, at and after the start of the previous period (at
    midnight local time, which is the afternoon before in UTC), or none; a watch begun before, on and after that
    start. Every person also has a later 不在, which is no contact."""
    recorder = ward.commissioner
    starts = [receiver(f"見守り団体{i}") for i in range(3)]  # one organisation per start day
    persons = {
        (frequency, case): PersonFactory(town=ward.towns.b1) for frequency in WatchFrequency.values for case in range(4)
    }
    compared = {True: 0, False: 0}
    for today in OVERDUE_DAYS:
        WatchVisit.objects.all().delete()
        WatchAssignment.objects.all().delete()
        expected = {}
        visits = []
        for frequency in WatchFrequency.values:
            previous = previous_period_start(frequency, today)
            contacts = [None, at(previous) - datetime.timedelta(minutes=1), at(previous), at(previous + DAY, 12)]
            started = [previous - DAY, previous, previous + DAY]
            for case, last_contact in enumerate(contacts):
                person = persons[frequency, case]
                for organisation, started_on in zip(starts, started, strict=True):
                    assignment = WatchAssignment.objects.create(
                        person=person, organisation=organisation, frequency=frequency, started_on=started_on
                    )
                    expected[assignment.pk] = is_overdue(
                        frequency,
                        last_contact=timezone.localdate(last_contact) if last_contact else None,
                        started_on=started_on,
                        today=today,
                    )
                common = {"assignment": assignment, "person": person, "recorded_by": recorder, "outcome": "fine"}
                visits.append(WatchVisit(observed_at=at(today, 12), method=VisitMethod.ABSENT, **common))
                if last_contact is not None:
                    visits.append(WatchVisit(observed_at=last_contact, method=VisitMethod.VISIT, **common))
        WatchVisit.objects.bulk_create(visits)

        in_sql = set(
            with_last_contact(WatchAssignment.objects.all()).filter(overdue_q(today)).values_list("pk", flat=True)
        )

        assert in_sql == {pk for pk, overdue in expected.items() if overdue}, today
        for overdue in expected.values():
            compared[overdue] += 1
    assert compared[True] > 100
    assert compared[False] > 100


def test_each_ward_has_its_own_routing_table(ward):
    """In a city of several wards, the home ward's ward-wide row never sends another ward's resident's concern to
    the home ward's receivers: the other ward's own table (or its welfare section) decides."""
    city = build_city(ward)
    EscalationRoute.objects.create(district=None, concern="", organisation=ward.orgs.care_plaza)

    assert route_for(ward.people.b1_agreed, []) == ward.orgs.care_plaza
    assert route_for(city.people.b1_agreed, []) == city.orgs.ward_office

    route_save(user=city.ward_officer, route_id=None, district=None, concern="", organisation=city.orgs.shakyo)
    assert route_for(city.people.b1_agreed, []) == city.orgs.shakyo
    assert route_for(ward.people.b1_agreed, []) == ward.orgs.care_plaza


def test_a_ward_cannot_route_to_another_wards_receiver(ward):
    city = build_city(ward)
    with pytest.raises(WatchError):
        route_save(user=ward.ward_officer, route_id=None, district=None, concern="", organisation=city.orgs.shakyo)
    assert not EscalationRoute.objects.exists()
