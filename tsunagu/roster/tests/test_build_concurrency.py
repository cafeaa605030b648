"""Issue 6, item 10: two roster builds started at the same moment both succeed, one after the other, with
distinct numbers (SQLite: immediate transactions wait for the write lock; PostgreSQL: the build table lock)."""

import datetime

from tsunagu.audit.models import AuditAction, AuditEntry, AuditHead
from tsunagu.audit.services import audit_record
from tsunagu.roster.models import RosterBuild
from tsunagu.roster.services import roster_build, roster_rules_create_defaults

DAY = datetime.date(2026, 4, 1)


def test_two_simultaneous_builds_both_succeed_with_the_next_two_numbers(ward, together):
    roster_rules_create_defaults()
    # A working ward's log has its head row; creating the very first one is not what this test is about.
    audit_record(actor=None, action=AuditAction.VIEW, username="system")
    before = AuditHead.objects.get().seq
    # Both builds read the highest number before either inserts, unless builds are serialised.
    together.meet_before(RosterBuild.objects, "create", parties=2)

    results = together.run(
        lambda: roster_build(user=ward.ward_officer, day=DAY), lambda: roster_build(user=ward.ward_officer, day=DAY)
    )

    assert [type(r) for r in results] == [RosterBuild, RosterBuild], results
    assert sorted(r.number for r in results) == [2, 3]  # the ward fixture's build is number 1
    assert list(RosterBuild.objects.order_by("number").values_list("number", flat=True)) == [1, 2, 3]
    assert {r.person_count for r in results} == {RosterBuild.objects.get(number=2).person_count}
    created = AuditEntry.objects.filter(seq__gt=before, action=AuditAction.CREATE, target_type="roster_build")
    assert sorted(e.detail["number"] for e in created) == [2, 3]
