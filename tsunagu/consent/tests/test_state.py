"""The consent state (people.ConsentState) follows every kind of decision the consent services record, in the same
transaction, while the history stays append-only (issue 7, item 3)."""

import datetime

import pytest

from tsunagu.access import policy
from tsunagu.audit.models import AuditPurpose
from tsunagu.consent import services
from tsunagu.core.wareki import today_jst
from tsunagu.people.models import Consent, ConsentGivenBy, ConsentRequest, ConsentState, ConsentStatus, Person
from tsunagu.people.services.consent_state import consent_state_differences

TODAY = today_jst()


def state_of(person):
    row = ConsentState.objects.filter(person=person, scope="roster").first()
    if row is None:
        return None
    return (row.consent_id, row.status, row.recipient_kinds, row.first_letter_due_on)


def history():
    return list(Consent.objects.order_by("id").values())


def record(ward, person, status=ConsentStatus.AGREED, *, kinds=(), decided_on=None):
    return services.consent_record(
        person=person,
        status=status,
        decided_on=decided_on or TODAY,
        given_by=ConsentGivenBy.SELF,
        method="窓口",
        recipient_kinds=kinds,
        recorded_by=ward.ward_officer,
    )


def letters(ward, district, *, sent_on, reply_days=21):
    return services.consent_letters_create(
        user=ward.ward_officer,
        district=district,
        sent_on=sent_on,
        reply_days=reply_days,
        sender="大正区長",
        contact="大正区役所 保健福祉課",
        purpose=AuditPurpose.DISASTER_PREP,
    )


class TestStateFollowsEveryDecision:
    def test_agree_refuse_withdraw_and_recipients_only(self, ward):
        person = ward.people.a2_unanswered
        assert state_of(person) is None  # never asked, never answered: no row, read as None

        before = history()
        agreed = record(ward, person, kinds=["minsei"])
        assert state_of(person) == (agreed.pk, ConsentStatus.AGREED, "|minsei|", None)
        assert history()[: len(before)] == before and len(history()) == len(before) + 1

        widened = record(ward, person)  # agreeing to every kind of recipient now
        assert state_of(person) == (widened.pk, ConsentStatus.AGREED, "", None)

        withdrawn = services.consent_withdraw(
            person=person,
            decided_on=TODAY,
            given_by=ConsentGivenBy.FAMILY,
            method="電話",
            recorded_by=ward.ward_officer,
        )
        assert state_of(person) == (withdrawn.pk, ConsentStatus.WITHDRAWN, "", None)

        before = history()
        refused = record(ward, person, ConsentStatus.REFUSED)
        assert state_of(person) == (refused.pk, ConsentStatus.REFUSED, "", None)
        assert history()[: len(before)] == before
        assert [c.status for c in Consent.objects.filter(person=person).order_by("id")] == [
            "agreed",
            "agreed",
            "withdrawn",
            "refused",
        ]
        assert consent_state_differences() == []

    def test_letters_set_the_first_reply_date_and_a_reply_on_a_letter_sets_the_decision(self, ward):
        person = ward.people.a2_unanswered
        first = letters(ward, ward.districts.a, sent_on=TODAY - datetime.timedelta(days=60), reply_days=21)
        first_due = TODAY - datetime.timedelta(days=39)
        assert [p.pk for p in first.persons] == [person.pk]
        assert state_of(person) == (None, None, None, first_due)

        # A later letter to the same person: 推定同意 still counts from the first reply date.
        later = letters(ward, ward.districts.a, sent_on=TODAY - datetime.timedelta(days=10), reply_days=30)
        assert [p.pk for p in later.persons] == [person.pk]
        assert ConsentRequest.objects.filter(person=person).count() == 2
        assert state_of(person) == (None, None, None, first_due)

        number = later.requests[0].letter_number
        services.consent_replies_record(
            user=ward.ward_officer, rows=[(1, [number, "同意", "本人", "民生委員", TODAY.isoformat()])]
        )
        reply = Consent.objects.get(person=person)
        assert reply.consent_request_id == later.requests[0].pk
        assert state_of(person) == (reply.pk, ConsentStatus.AGREED, "|minsei|", first_due)
        assert consent_state_differences() == []

    def test_a_refused_decision_leaves_the_state_and_the_history_as_they_were(self, ward):
        person = ward.people.a1_refused
        before, state = history(), state_of(person)
        with pytest.raises(Exception, match="同意していない方の同意は撤回できません"):
            services.consent_withdraw(
                person=person, decided_on=TODAY, given_by="self", method="電話", recorded_by=ward.ward_officer
            )
        assert (history(), state_of(person)) == (before, state)

    def test_what_the_policy_reads_is_the_state(self, ward):
        person = ward.people.a1_agreed
        assert policy.visible_persons(ward.association_member).filter(pk=person.pk).exists()
        services.consent_withdraw(
            person=person, decided_on=TODAY, given_by="self", method="電話", recorded_by=ward.ward_officer
        )
        assert not policy.visible_persons(ward.association_member).filter(pk=person.pk).exists()
        annotated = Person.objects.with_current_consent().get(pk=person.pk)
        assert (annotated.current_consent_status, annotated.current_consent_kinds) == ("withdrawn", "")
        never = Person.objects.with_current_consent().get(pk=ward.people.b1_unanswered.pk)
        assert (never.current_consent_status, never.current_consent_kinds) == (None, None)
