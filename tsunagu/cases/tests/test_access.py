"""Who sees a case: its team and nobody else (the ward's welfare section included), 404 and a logged refusal
for the others; every read logged with the persons it names; intake, also from a watch-over escalation."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tsunagu.access import policy
from tsunagu.audit.models import AuditAction, AuditEntry, AuditTarget
from tsunagu.cases.models import Case, NoticeKind, Route, TeamBasis
from tsunagu.cases.selectors import case_counts, case_or_404, my_cases, open_referrals, shared_cases
from tsunagu.cases.services import (
    CaseError,
    case_open,
    notify_raiser,
    open_case_from_escalation,
    referral_create,
    team_add,
    team_end,
)
from tsunagu.organisations.models import STAFF_KINDS, DataScope, OrganisationKind

from .conftest import intake


def test_the_team_sees_the_case_and_the_read_is_logged_with_its_person(ward, case):
    assert case_or_404(ward.care_plaza_worker, case.pk) == case
    entry = AuditEntry.objects.filter(target_type=AuditTarget.CASE, action=AuditAction.VIEW).latest("seq")
    assert entry.target_ids == [ward.people.b1_agreed.pk]
    assert entry.detail["case"] == case.pk


@pytest.mark.parametrize("who", ["ward_officer", "shakyo_coordinator", "commissioner", "outsider"])
def test_anyone_off_the_team_gets_404_and_a_logged_refusal(who, ward, agencies, case):
    user = getattr(ward, who)
    with pytest.raises(Http404):
        case_or_404(user, case.pk)
    entry = AuditEntry.objects.latest("seq")
    assert (entry.action, entry.target_type, entry.detail["requested_id"]) == (
        AuditAction.DENIED,
        AuditTarget.CASE,
        str(case.pk),
    )


def test_an_agency_of_the_team_by_conference_decision_sees_it_until_it_leaves(ward, agencies, case):
    with pytest.raises(CaseError, match="支援会議の決定"):
        team_add(
            ward.care_plaza_worker,
            case,
            agencies.disability,
            basis=TeamBasis.CONFERENCE,
            confidentiality_acknowledged=True,
        )
    with pytest.raises(CaseError, match="本人の同意がこの機関を含んでいません"):
        team_add(
            ward.care_plaza_worker,
            case,
            agencies.disability,
            basis=TeamBasis.CONSENT,
            confidentiality_acknowledged=True,
        )
    team_add(
        ward.care_plaza_worker,
        case,
        agencies.disability,
        basis=TeamBasis.CONFERENCE,
        decision_reference="11月の支援会議",
        confidentiality_acknowledged=True,
    )
    assert case_or_404(agencies.disability_worker, case.pk) == case
    # Its workers see the client in the CASE scope, and nobody else of the ward.
    persons = policy.visible_persons(agencies.disability_worker, scope=DataScope.CASE)
    assert list(persons) == [ward.people.b1_agreed]
    assert not policy.visible_persons(agencies.disability_worker).exists()  # no roster of its own
    team_end(ward.care_plaza_worker, case, agencies.disability.pk, reason="支援終了")
    with pytest.raises(Http404):
        case_or_404(agencies.disability_worker, case.pk)
    with pytest.raises(CaseError, match="最後の機関"):
        team_end(ward.care_plaza_worker, case, ward.orgs.care_plaza.pk, reason="誤り")


def test_the_new_agency_kinds_sign_in_as_staff_but_see_no_residents(ward, agencies):
    for kind in (
        OrganisationKind.DISABILITY_SUPPORT,
        OrganisationKind.CHILD_FAMILY,
        OrganisationKind.SELF_RELIANCE,
        OrganisationKind.GUARDIANSHIP,
    ):
        assert kind in STAFF_KINDS
    for scope in (DataScope.ROSTER, DataScope.WATCH, DataScope.CASE):
        assert not policy.visible_persons(agencies.self_reliance_worker, scope=scope).exists()


def test_ward_staff_do_not_see_cases_by_default(ward, case):
    assert not policy.visible_persons(ward.ward_officer, scope=DataScope.CASE).exists()


def test_intake_refuses_what_is_missing_and_allows_anonymous(ward, agencies):
    with pytest.raises(CaseError) as refused:
        case_open(agencies.self_reliance_worker, data={"route": "x", "domains": ["nope"]})
    assert set(refused.value.messages) >= {
        "主訴（相談したいこと）を入力してください。",
        "分野の値が正しくありません。",
        "相談経路を選んでください。",
    }
    anonymous = case_open(
        agencies.self_reliance_worker, data=intake(anonymous=True, client_label="電話の60代男性", route=Route.PHONE)
    )
    assert anonymous.display_name == "電話の60代男性" and anonymous.client is None
    assert anonymous.number.endswith("000001")
    # A registry person outside the worker's scope cannot be linked: 404, logged.
    with pytest.raises(Http404):
        case_open(agencies.self_reliance_worker, data=intake(client_id=ward.people.a1_agreed.pk))
    assert Case.objects.count() == 1


def test_a_commissioner_cannot_open_a_case(ward):
    with pytest.raises(policy.CapabilityDenied):
        case_open(ward.commissioner, data=intake(client_name="山田"))


def test_lists_and_counts_are_current(ward, agencies, consented):
    assert case_counts(ward.care_plaza_worker).mine == 1
    assert [c.pk for c in my_cases(ward.care_plaza_worker)] == [consented.pk]
    referral_create(ward.care_plaza_worker, consented, to_organisation=agencies.self_reliance, reason="家計の相談")
    counts = case_counts(agencies.self_reliance_worker)
    assert (counts.mine, counts.shared, counts.referrals) == (0, 0, 1)
    rows = open_referrals(agencies.self_reliance_worker)
    assert rows[0].received and not rows[0].overdue
    assert shared_cases(agencies.self_reliance_worker) == []  # not on the team before accepting
    assert case_counts(ward.care_plaza_worker).referrals == 1  # the sender's side too


def test_a_watch_escalation_becomes_a_case_and_the_watcher_is_told_without_details(ward, agencies, escalation):
    person = ward.people.b1_agreed
    result = SimpleNamespace(escalation=escalation)
    case = open_case_from_escalation(result.escalation, ward.care_plaza_worker, data=intake(route=""))
    assert case.client == person and case.raised_by == ward.commissioner and case.route == Route.WATCH
    assert case.visit_history[0]["note"] == "郵便受けに督促状"
    result.escalation.refresh_from_db()
    assert result.escalation.acknowledged_at is not None  # the watcher sees 受理されました
    with pytest.raises(CaseError, match="すでに相談支援記録"):
        open_case_from_escalation(result.escalation, ward.care_plaza_worker, data=intake())
    notify_raiser(case, NoticeKind.SUPPORT_ENDED)
    assert [n.get_kind_display() for n in ward.commissioner.case_notices.all()] == ["支援を終了しました"]
    # Another agency cannot open a case from an escalation it did not receive.
    with pytest.raises((Http404, PermissionDenied)):  # 404 or the refusal page, both logged by watch
        open_case_from_escalation(result.escalation, agencies.self_reliance_worker, data=intake())
