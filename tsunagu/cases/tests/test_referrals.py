"""The referral state machine, walked on every path, every illegal move refused with a message, and consent."""

import datetime

import pytest
from django.utils import timezone

from tsunagu.access.policy import CapabilityDenied
from tsunagu.audit.models import AuditEntry, AuditTarget
from tsunagu.cases.models import (
    NoticeKind,
    RaiserNotice,
    Referral,
    ReferralEvent,
    ReferralStatus,
    TeamBasis,
    TeamMember,
)
from tsunagu.cases.services import (
    TRANSITIONS,
    Action,
    CaseError,
    referral_create,
    referral_transition,
    team_add,
)

S = ReferralStatus


def refer(case, ward, agencies, **kwargs):
    kwargs.setdefault("to_organisation", agencies.self_reliance)
    kwargs.setdefault("reason", "家計の立て直しと就労の相談をお願いしたい")
    return referral_create(ward.care_plaza_worker, case, **kwargs)


def move(referral, ward, agencies, action, **kwargs):
    t = TRANSITIONS[action]
    user = agencies.self_reliance_worker if t.side == "receiver" else ward.care_plaza_worker
    kwargs.setdefault("reason", "理由" if t.reason_required else "")
    if action == Action.ACCEPT:
        kwargs.setdefault("confidentiality_acknowledged", True)
    if action == Action.RE_REFER:
        kwargs.setdefault("to_organisation", agencies.disability)
    return referral_transition(user, referral, action, **kwargs)


# The path from 依頼中 to each status.
PATHS = {
    S.REQUESTED: [],
    S.ACCEPTED: [Action.ACCEPT],
    S.DECLINED: [Action.DECLINE],
    S.CANCELLED: [Action.CANCEL],
    S.SUPPORT_STARTED: [Action.ACCEPT, Action.START_SUPPORT],
    S.NO_SUPPORT_NEEDED: [Action.ACCEPT, Action.NO_SUPPORT],
    S.RE_REFERRED: [Action.ACCEPT, Action.RE_REFER],
}


def reach(status, case, ward, agencies):
    if status == S.RE_REFERRED:
        # The client's consent covers the agency the case is passed on to.
        case.consents.first().agencies.add(agencies.disability)
    referral = refer(case, ward, agencies)
    for action in PATHS[status]:
        referral = move(referral, ward, agencies, action)
    return referral


@pytest.mark.parametrize("status", list(PATHS))
def test_every_path_is_recorded_event_by_event(status, ward, agencies, consented):
    referral = reach(status, consented, ward, agencies)
    assert referral.status == status
    events = list(ReferralEvent.objects.filter(referral=referral).values_list("from_status", "to_status"))
    expected, current = [("", S.REQUESTED)], S.REQUESTED
    for action in PATHS[status]:
        expected.append((current, TRANSITIONS[action].target))
        current = TRANSITIONS[action].target
    assert events == expected


ILLEGAL = [(status, action) for status in PATHS for action in Action if status not in TRANSITIONS[action].sources]


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_every_illegal_transition_is_refused_with_a_message(status, action, ward, agencies, consented):
    referral = reach(status, consented, ward, agencies)
    events = ReferralEvent.objects.filter(referral=referral).count()
    with pytest.raises(CaseError) as refused:
        move(referral, ward, agencies, action)
    assert f"「{S(status).label}」の紹介は「{TRANSITIONS[action].label}」にできません。" in refused.value.messages
    referral.refresh_from_db()
    assert referral.status == status
    assert ReferralEvent.objects.filter(referral=referral).count() == events


def test_an_unknown_action_is_refused(ward, agencies, consented):
    referral = refer(consented, ward, agencies)
    with pytest.raises(CaseError):
        referral_transition(agencies.self_reliance_worker, referral, "delete")


def test_only_the_receiver_answers_and_only_the_sender_cancels(ward, agencies, consented):
    referral = refer(consented, ward, agencies)
    with pytest.raises(CaseError, match="紹介先の機関の職員だけ"):
        referral_transition(ward.care_plaza_worker, referral, Action.ACCEPT, confidentiality_acknowledged=True)
    with pytest.raises(CaseError, match="紹介元の機関の職員だけ"):
        referral_transition(agencies.self_reliance_worker, referral, Action.CANCEL, reason="間違い")
    with pytest.raises(CaseError):
        # An agency with nothing to do with the referral.
        referral_transition(agencies.disability_worker, referral, Action.ACCEPT, confidentiality_acknowledged=True)
    assert Referral.objects.get(pk=referral.pk).status == S.REQUESTED


@pytest.mark.parametrize("action", [Action.DECLINE, Action.CANCEL, Action.NO_SUPPORT, Action.RE_REFER])
def test_the_outcomes_that_need_a_reason_refuse_without_one(action, ward, agencies, consented):
    referral = refer(consented, ward, agencies)
    if TRANSITIONS[action].sources == {S.ACCEPTED}:
        referral = move(referral, ward, agencies, Action.ACCEPT)
    with pytest.raises(CaseError, match="理由の入力が必要"):
        move(referral, ward, agencies, action, reason="  ")


def test_accepting_puts_the_receiver_on_the_team_on_the_consent_with_its_confidentiality(ward, agencies, consented):
    referral = refer(consented, ward, agencies)
    with pytest.raises(CaseError, match="守秘義務"):
        move(referral, ward, agencies, Action.ACCEPT, confidentiality_acknowledged=False)
    assert Referral.objects.get(pk=referral.pk).status == S.REQUESTED  # nothing half-done
    move(referral, ward, agencies, Action.ACCEPT)
    member = TeamMember.objects.get(case=consented, organisation=agencies.self_reliance, ended_at__isnull=True)
    assert member.basis == TeamBasis.CONSENT
    assert member.consent == referral.consent
    assert member.confidentiality_acknowledged_by == agencies.self_reliance_worker


def test_re_referring_opens_a_new_referral_from_the_receiver(ward, agencies, consented):
    referral = reach(S.RE_REFERRED, consented, ward, agencies)
    new = referral.re_referral
    assert (new.from_organisation, new.to_organisation, new.status) == (
        agencies.self_reliance,
        agencies.disability,
        S.REQUESTED,
    )


def test_re_referring_without_consent_for_the_new_agency_changes_nothing(ward, agencies, consented):
    referral = reach(S.ACCEPTED, consented, ward, agencies)
    with pytest.raises(CaseError, match="同意"):
        move(referral, ward, agencies, Action.RE_REFER)
    assert Referral.objects.get(pk=referral.pk).status == S.ACCEPTED
    assert not Referral.objects.filter(re_referred_from=referral).exists()


def test_a_referral_without_consent_is_refused(ward, agencies, case):
    with pytest.raises(CaseError, match="本人の同意がこの紹介先を含んでいません"):
        refer(case, ward, agencies)
    assert not Referral.objects.exists()


def test_only_the_ward_overrides_consent_with_a_reason_and_it_is_logged(ward, agencies, case):
    with pytest.raises(CapabilityDenied):
        refer(case, ward, agencies, override_reason="急を要するため")
    team_add(
        ward.care_plaza_worker,
        case,
        ward.orgs.ward_office,
        basis=TeamBasis.CONFERENCE,
        decision_reference="2026-11-20 支援会議で区が加わることを決定",
        confidentiality_acknowledged=True,
    )
    with pytest.raises(CaseError, match="同意によらず紹介する理由"):
        referral_create(ward.ward_officer, case, to_organisation=agencies.self_reliance, reason="虐待の疑い")
    referral = referral_create(
        ward.ward_officer,
        case,
        to_organisation=agencies.self_reliance,
        reason="虐待の疑い",
        override_reason="本人と連絡がとれず、生命の危険があるため",
    )
    assert referral.consent is None and referral.consent_overridden_by == ward.ward_officer
    entry = AuditEntry.objects.filter(target_type=AuditTarget.REFERRAL).latest("seq")
    assert entry.detail["consent_overridden"] is True
    assert entry.detail["override_reason"] == "本人と連絡がとれず、生命の危険があるため"
    referral_transition(agencies.self_reliance_worker, referral, Action.ACCEPT, confidentiality_acknowledged=True)
    assert TeamMember.objects.get(case=case, organisation=agencies.self_reliance).basis == TeamBasis.OVERRIDE


def test_a_withdrawn_consent_stops_new_referrals(ward, agencies, consented):
    from tsunagu.cases.services import consent_record

    consent_record(ward.care_plaza_worker, consented, decision="withdrawn", decided_on=timezone.localdate())
    with pytest.raises(CaseError, match="同意"):
        refer(consented, ward, agencies)


def test_the_deadline_cannot_be_in_the_past_and_a_second_open_referral_is_refused(ward, agencies, consented):
    with pytest.raises(CaseError, match="回答期限"):
        refer(consented, ward, agencies, respond_by=timezone.localdate() - datetime.timedelta(days=1))
    refer(consented, ward, agencies)
    with pytest.raises(CaseError, match="すでに依頼中"):
        refer(consented, ward, agencies)


def test_support_started_tells_the_raiser_without_details(ward, agencies, consented):
    consented.raised_by = ward.commissioner
    consented.save(update_fields=["raised_by"])
    reach(S.SUPPORT_STARTED, consented, ward, agencies)
    notice = RaiserNotice.objects.get(recipient=ward.commissioner)
    assert notice.kind == NoticeKind.SUPPORT_STARTED
    assert notice.get_kind_display() == "支援を開始しました"


def test_events_are_append_only(ward, agencies, consented):
    event = ReferralEvent.objects.get(referral=refer(consented, ward, agencies))
    event.reason = "書き換え"
    with pytest.raises(PermissionError):
        event.save()
