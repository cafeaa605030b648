"""Building the roster: rules applied set-based to the whole registry, reasons kept per person."""

import datetime

import pytest

from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.people.models import CareLevel, ResidentStatus
from tsunagu.roster.models import RosterEntry, RosterEntryReason, RosterRule, RuleKind, SelfRequest
from tsunagu.roster.services import roster_build
from tsunagu.testing.factories import PersonFactory, UserFactory

DAY = datetime.date(2026, 4, 1)


@pytest.fixture
def rules(db):
    return {
        "care": RosterRule.objects.create(label="要介護3以上", kind=RuleKind.CARE_LEVEL, threshold="care_3"),
        "physical": RosterRule.objects.create(
            label="身体障害者手帳1・2級", kind=RuleKind.PHYSICAL_GRADE, threshold="2"
        ),
        "intellectual": RosterRule.objects.create(label="療育手帳A", kind=RuleKind.INTELLECTUAL_GRADE, threshold="A"),
        "mental": RosterRule.objects.create(label="精神1級", kind=RuleKind.MENTAL_GRADE, threshold="1"),
        "alone75": RosterRule.objects.create(
            label="75歳以上のひとり暮らし", kind=RuleKind.AGE_LIVING_ALONE, threshold="75"
        ),
        "request": RosterRule.objects.create(label="本人の申出", kind=RuleKind.SELF_REQUEST),
    }


def reasons_of(build, person):
    return set(RosterEntryReason.objects.filter(build=build, person=person).values_list("label", flat=True))


def test_each_rule_lists_exactly_the_residents_who_meet_it(rules):
    care3 = PersonFactory(care_level=CareLevel.CARE_3)
    care2 = PersonFactory(care_level=CareLevel.CARE_2)
    grade2 = PersonFactory(physical_disability_grade=2)
    grade3 = PersonFactory(physical_disability_grade=3)
    ryoiku_a = PersonFactory(intellectual_disability_grade="A")
    ryoiku_b = PersonFactory(intellectual_disability_grade="B")
    mental1 = PersonFactory(mental_disability_grade=1)
    alone_75 = PersonFactory(lives_alone=True, birth_date=datetime.date(1951, 4, 1))
    alone_74 = PersonFactory(lives_alone=True, birth_date=datetime.date(1951, 4, 2))
    with_family_80 = PersonFactory(lives_alone=False, birth_date=datetime.date(1946, 1, 1))
    asked = PersonFactory()
    SelfRequest.objects.create(person=asked, requested_on=datetime.date(2026, 1, 10), reason="足が不自由なため")
    several = PersonFactory(care_level=CareLevel.CARE_5, physical_disability_grade=1)

    build = roster_build(day=DAY)

    listed = set(RosterEntry.objects.filter(build=build).values_list("person_id", flat=True))
    assert listed == {p.pk for p in (care3, grade2, ryoiku_a, mental1, alone_75, asked, several)}
    assert not listed & {p.pk for p in (care2, grade3, ryoiku_b, alone_74, with_family_80)}
    assert reasons_of(build, several) == {"要介護3以上", "身体障害者手帳1・2級"}
    assert reasons_of(build, asked) == {"本人の申出"}
    assert build.person_count == 7


def test_entries_keep_the_legal_items_as_they_were(rules):
    person = PersonFactory(family_name="髙橋", given_name="ハル", care_level=CareLevel.CARE_4, phone="06-6551-0001")
    build = roster_build(day=DAY)
    person.phone = "06-6551-9999"
    person.save()
    entry = RosterEntry.objects.get(build=build, person=person)
    assert (entry.family_name, entry.given_name, entry.phone, entry.care_level) == (
        "髙橋",
        "ハル",
        "06-6551-0001",
        CareLevel.CARE_4,
    )
    assert (entry.birth_date, entry.sex, entry.town_id, entry.address) == (
        person.birth_date,
        person.sex,
        person.town_id,
        person.address,
    )


def test_former_residents_withdrawn_requests_and_inactive_rules_are_not_applied(rules):
    moved = PersonFactory(care_level=CareLevel.CARE_5, status=ResidentStatus.MOVED_OUT)
    withdrawn = PersonFactory()
    SelfRequest.objects.create(person=withdrawn, requested_on=datetime.date(2025, 1, 1), withdrawn_on=DAY)
    rules["intellectual"].is_active = False
    rules["intellectual"].save()
    ryoiku_a = PersonFactory(intellectual_disability_grade="A")
    build = roster_build(day=DAY)
    listed = set(RosterEntry.objects.filter(build=build).values_list("person_id", flat=True))
    assert not listed & {moved.pk, withdrawn.pk, ryoiku_a.pk}


def test_every_build_is_kept_with_its_rules_and_audited(rules):
    officer = UserFactory(username="ward_officer")
    PersonFactory(care_level=CareLevel.CARE_3)
    first = roster_build(user=officer, day=DAY)
    PersonFactory(care_level=CareLevel.CARE_4)
    second = roster_build(user=officer, day=DAY)
    assert (first.number, second.number) == (1, 2)
    assert (first.person_count, second.person_count) == (1, 2)
    assert second.rules[0]["label"] == "要介護3以上"
    entry = AuditEntry.objects.filter(action=AuditAction.CREATE, target_type="roster_build").order_by("seq").last()
    assert entry.target_ids == [second.pk]
    assert entry.actor_username == "ward_officer"
    assert entry.detail["persons"] == 2


def test_the_build_is_set_based(rules):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statements_for_a_build():
        with CaptureQueriesContext(connection) as queries:
            roster_build(day=DAY)
        return len(queries)

    for _ in range(3):
        PersonFactory(care_level=CareLevel.CARE_3)
    roster_build(day=DAY)  # the first audit entry also creates the chain's head row
    few = statements_for_a_build()
    for _ in range(40):
        PersonFactory(care_level=CareLevel.CARE_3, physical_disability_grade=1)
    # The number of statements depends on the number of rules, not on the number of residents.
    assert statements_for_a_build() == few


def test_the_build_reports_its_progress_step_by_step(rules):
    PersonFactory(care_level=CareLevel.CARE_3)
    steps = []

    roster_build(day=DAY, progress=lambda done, total: steps.append((done, total)))

    total = 3  # the entries, the reasons (one statement for every rule), the audit row
    assert steps == [(done, total) for done in range(1, total + 1)]


def test_every_entry_has_its_reasons_and_every_reason_its_entry(rules):
    PersonFactory(care_level=CareLevel.CARE_5, physical_disability_grade=1)
    asked = PersonFactory()
    SelfRequest.objects.create(person=asked, requested_on=datetime.date(2026, 1, 10))
    PersonFactory(lives_alone=True, birth_date=datetime.date(1940, 1, 1))

    build = roster_build(day=DAY)

    entries = set(RosterEntry.objects.filter(build=build).values_list("person_id", flat=True))
    reasons = set(RosterEntryReason.objects.filter(build=build).values_list("person_id", flat=True))
    assert entries == reasons
    assert len(entries) == 3 == build.person_count


def test_a_build_with_no_active_rule_lists_nobody(db):
    PersonFactory(care_level=CareLevel.CARE_5)
    RosterRule.objects.create(label="要介護3以上", kind=RuleKind.CARE_LEVEL, threshold=3, is_active=False)

    build = roster_build(day=datetime.date(2026, 11, 1))

    assert build.person_count == 0
    assert not RosterEntry.objects.filter(build=build).exists()
