"""The consent state (ConsentState) is what the history says: after any sequence of decisions and letters, after
the migration that fills it, and after `tsunagu consent state rebuild` repairs a corrupted one."""

import datetime
import importlib
import random

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from tsunagu.demo.ward import generate_ward
from tsunagu.people.models import Consent, ConsentRequest, ConsentState, ConsentStatus, Person
from tsunagu.people.services.consent_state import consent_state_differences, refresh_consent_state
from tsunagu.testing.factories import ConsentFactory, ConsentRequestFactory, PersonFactory

migration = importlib.import_module("tsunagu.people.migrations.0006_consent_state")

SCOPES = ("roster", "plan")
KINDS = ("", "|minsei|", "|minsei|neighbourhood|")


def expected_from_history() -> dict[tuple[int, str], tuple]:
    """The state, worked out in Python from the history: the latest row (recorded_at, then id) per person and
    scope, and the earliest reply date of the letters."""
    expected: dict[tuple[int, str], list] = {}
    for c in Consent.objects.order_by("recorded_at", "id"):
        row = expected.setdefault((c.person_id, c.scope), [None, None, None, None])
        row[:3] = [c.pk, c.status, c.recipient_kinds]
    for r in ConsentRequest.objects.all():
        row = expected.setdefault((r.person_id, r.scope), [None, None, None, None])
        row[3] = r.reply_due_on if row[3] is None else min(row[3], r.reply_due_on)
    return {key: tuple(value) for key, value in expected.items()}


def stored_state() -> dict[tuple[int, str], tuple]:
    return {
        (s.person_id, s.scope): (s.consent_id, s.status, s.recipient_kinds, s.first_letter_due_on)
        for s in ConsentState.objects.all()
    }


@pytest.mark.django_db
def test_the_state_equals_the_history_after_random_sequences_of_decisions():
    rng = random.Random(20261201)
    persons = PersonFactory.create_batch(6)
    base = datetime.date(2025, 4, 1)
    for step in range(120):
        person = rng.choice(persons)
        scope = rng.choice(SCOPES)
        if rng.random() < 0.3:
            due = base + datetime.timedelta(days=rng.randint(0, 90))
            ConsentRequestFactory(
                person=person, scope=scope, sent_on=due - datetime.timedelta(days=21), reply_due_on=due
            )
        else:
            status = rng.choice(ConsentStatus.values)
            kinds = rng.choice(KINDS) if status == ConsentStatus.AGREED else ""
            ConsentFactory(person=person, scope=scope, status=status, recipient_kinds=kinds)
        if step % 10 == 0:
            # Rows recorded in the same instant: the higher id is the later one.
            Consent.objects.filter(person=person).update(recorded_at=datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC))
            refresh_consent_state([person.pk])
        assert stored_state() == expected_from_history(), f"step {step}"
    assert consent_state_differences() == []
    # The policy's annotation reads the state: the same decision as the history's latest row.
    latest = expected_from_history()
    for p in Person.objects.with_current_consent("plan"):
        assert (p.current_consent_status, p.current_consent_kinds) == latest.get((p.pk, "plan"), (None,) * 4)[1:3]
    # The anti-join the letters and counts use names the same persons as "no answer in force".
    PersonFactory()  # never asked
    ConsentRequestFactory(scope="plan")  # asked, no answer
    ConsentFactory(scope="plan", status=ConsentStatus.UNANSWERED)  # 未回答 recorded
    no_answer = {
        p.pk for p in Person.objects.with_current_consent("plan") if p.current_consent_status in (None, "unanswered")
    }
    assert set(Person.objects.without_consent_answer("plan").values_list("pk", flat=True)) == no_answer
    assert 3 <= len(no_answer) < Person.objects.count()


@pytest.mark.django_db
def test_refreshing_some_persons_leaves_the_others_alone():
    a, b = ConsentFactory(), ConsentFactory()
    ConsentState.objects.filter(person=b.person).update(status=ConsentStatus.REFUSED)
    refresh_consent_state([a.person_id], scope="roster")
    assert consent_state_differences() == [(b.person_id, "roster")]
    assert consent_state_differences([a.person_id]) == []


@pytest.mark.django_db
def test_the_migration_fills_the_state_from_the_existing_history():
    agreed = ConsentFactory()
    asked = ConsentRequestFactory(reply_due_on=datetime.date(2025, 5, 31))
    ConsentRequestFactory(person=asked.person, reply_due_on=datetime.date(2025, 4, 30))
    ConsentState.objects.all().delete()

    migration.fill_from_history(apps, connection.schema_editor())

    assert stored_state() == {
        (agreed.person_id, "roster"): (agreed.pk, "agreed", "", None),
        (asked.person_id, "roster"): (None, None, None, datetime.date(2025, 4, 30)),
    }


@pytest.mark.django_db
def test_the_command_finds_a_corrupted_state_and_rebuild_repairs_it(capsys):
    changed, removed, stray_owner = ConsentFactory(), ConsentFactory(status=ConsentStatus.REFUSED), PersonFactory()
    kept = ConsentFactory(status=ConsentStatus.WITHDRAWN)
    history = list(Consent.objects.order_by("id").values())
    call_command("consent_state", "check")
    assert "一致しています" in capsys.readouterr().out

    ConsentState.objects.filter(person=changed.person).update(status=ConsentStatus.AGREED, recipient_kinds="|fire|")
    ConsentState.objects.filter(person=removed.person).delete()
    ConsentState.objects.create(person=stray_owner, scope="roster", status=ConsentStatus.AGREED, recipient_kinds="")
    with pytest.raises(CommandError, match="3 件"):
        call_command("consent_state", "check")
    listed = capsys.readouterr().err
    assert all(f"住民ID {p.pk}" in listed for p in (changed.person, removed.person, stray_owner))
    assert f"住民ID {kept.person_id}" not in listed

    call_command("consent_state", "rebuild")
    assert "3" in capsys.readouterr().out
    call_command("consent_state", "check")
    assert stored_state() == expected_from_history()
    assert list(Consent.objects.order_by("id").values()) == history


@pytest.mark.django_db
def test_the_synthetic_ward_writes_its_consents_in_bulk_and_the_state_follows():
    generate_ward(size=600)
    # One state per person and scope (the roster's, and watch-over's for the persons watched).
    decided = {(c.person_id, c.scope) for c in Consent.objects.all()}
    assert ConsentState.objects.exclude(status=None).count() == len(decided) > 0
    assert stored_state() == expected_from_history()

    generate_ward(size=600, seed=2, replace=True)  # the state goes with the consents it names
    assert stored_state() == expected_from_history()
