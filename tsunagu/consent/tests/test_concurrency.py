"""Issue 6, item 10: consent withdrawals recorded at the same moment (three clerks entering reply slips) all
succeed, or, for the same person, the later ones get the Japanese message that there is no agreement left to
withdraw; never "database is locked" or a duplicate row."""

import datetime
import subprocess
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tsunagu.audit.models import AuditAction, AuditEntry, AuditHead, AuditPurpose
from tsunagu.audit.services import audit_record
from tsunagu.consent import services
from tsunagu.consent.services import decisions, letters
from tsunagu.core.wareki import today_jst
from tsunagu.people.models import (
    Consent,
    ConsentGivenBy,
    ConsentRequest,
    ConsentState,
    ConsentStatus,
    letter_number_prefix,
)
from tsunagu.people.services.consent_state import consent_state_differences


def withdraw(ward, person):
    return lambda: services.consent_withdraw(
        person=person,
        decided_on=today_jst(),
        given_by=ConsentGivenBy.FAMILY,
        method="電話",
        recorded_by=ward.ward_officer,
    )


@pytest.fixture
def head(ward):
    # A working ward's log has its head row; creating the very first one is not what these tests are about.
    audit_record(actor=None, action=AuditAction.VIEW, username="system")
    return AuditHead.objects.get().seq


def test_three_simultaneous_withdrawals_for_three_persons_all_succeed(ward, together, head):
    persons = [ward.people.a1_agreed, ward.people.a2_agreed, ward.people.b1_agreed]
    # All three read the current consent before any of them writes, unless writes are serialised.
    together.meet_before(Consent.objects, "create", parties=3)

    results = together.run(*(withdraw(ward, p) for p in persons))

    assert [type(r) for r in results] == [Consent] * 3, results
    assert [r.person_id for r in results] == [p.pk for p in persons]
    for person in persons:
        assert Consent.objects.current_for(person).status == ConsentStatus.WITHDRAWN
    logged = AuditEntry.objects.filter(seq__gt=head, action=AuditAction.UPDATE, target_type="person")
    assert sorted(e.target_ids[0] for e in logged) == sorted(p.pk for p in persons)


def test_three_simultaneous_withdrawals_for_one_person_record_one_and_explain_the_others(ward, together, head):
    person = ward.people.a1_agreed
    together.meet_before(Consent.objects, "create", parties=3)

    results = together.run(*(withdraw(ward, person) for _ in range(3)))

    recorded = [r for r in results if isinstance(r, Consent)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(recorded), len(refused)) == (1, 2), results
    message = str(services.WITHDRAW_WITHOUT_AGREEMENT_MESSAGE).format(status=ConsentStatus.WITHDRAWN.label)
    assert [error.messages for error in refused] == [[message], [message]]
    assert Consent.objects.filter(person=person, status=ConsentStatus.WITHDRAWN).count() == 1
    assert AuditEntry.objects.filter(seq__gt=head, action=AuditAction.UPDATE, target_ids=[person.pk]).count() == 1


def test_two_letter_batches_made_at_the_same_moment_get_distinct_numbers(ward, together, head):
    # Both batches pick their numbers before either writes; the unique number makes the second pick again.
    together.meet_before(ConsentRequest.objects, "bulk_create", parties=2)
    make = [
        lambda district=district: services.consent_letters_create(
            user=ward.ward_officer,
            district=district,
            sent_on=today_jst(),
            reply_days=21,
            sender="大正区長",
            contact="大正区役所 保健福祉課",
            purpose=AuditPurpose.DISASTER_PREP,
        )
        for district in (ward.districts.a, ward.districts.b)
    ]

    results = together.run(*make)

    assert [type(r).__name__ for r in results] == ["LetterBatch", "LetterBatch"], results
    numbers = sorted(ConsentRequest.objects.values_list("letter_number", flat=True))
    prefix = letter_number_prefix(today_jst())
    assert numbers == [f"{prefix}000001", f"{prefix}000002"]
    # Each PDF prints the number its letter was finally given (the batch that lost the race made it again).
    for batch in results:
        text = subprocess.run(["pdftotext", "-", "-"], input=batch.pdf, capture_output=True, check=True).stdout
        assert batch.requests[0].letter_number in text.decode()


def test_a_decision_and_a_letter_for_one_person_at_once_leave_the_state_equal_to_the_history(
    ward, together, head, monkeypatch
):
    """Both write their history row, then both refresh the person's consent state: whichever refreshes last must
    see the other's row (the refresh locks the person), or the policy would read a state the history denies."""
    person = ward.people.a2_unanswered
    barrier = threading.Barrier(2)
    # The letters' PDF takes a while; SQLite runs one writer at a time, so there the first simply goes on.
    wait = 2 if connection.vendor == "postgresql" else 0.5
    for module in (decisions, letters):
        original = module.refresh_consent_state

        def waiting(*args, original=original, **kwargs):
            try:
                barrier.wait(timeout=wait)
            except threading.BrokenBarrierError:
                pass
            return original(*args, **kwargs)

        monkeypatch.setattr(module, "refresh_consent_state", waiting)

    results = together.run(
        lambda: services.consent_record(
            person=person,
            status=ConsentStatus.AGREED,
            decided_on=today_jst(),
            given_by=ConsentGivenBy.SELF,
            method="窓口",
            recipient_kinds=(),
            recorded_by=ward.ward_officer,
        ),
        lambda: services.consent_letters_create(
            user=ward.ward_officer,
            district=ward.districts.a,
            sent_on=today_jst(),
            reply_days=21,
            sender="大正区長",
            contact="大正区役所 保健福祉課",
            purpose=AuditPurpose.DISASTER_PREP,
        ),
    )

    assert [type(r).__name__ for r in results] == ["Consent", "LetterBatch"], results
    assert consent_state_differences() == []
    state = ConsentState.objects.get(person=person)
    assert (state.status, state.first_letter_due_on) == (ConsentStatus.AGREED, today_jst() + datetime.timedelta(21))
