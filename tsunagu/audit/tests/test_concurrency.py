"""Two first-ever audit writes at the same moment (a new installation, or a log whose head row was deleted): both
are recorded, with the next two numbers, instead of one failing on the head row's primary key (IntegrityError on
PostgreSQL, found by the try-out of issue 6)."""

from django.utils import timezone

from tsunagu.audit.checkpoint import checkpoint_file
from tsunagu.audit.models import AuditAction, AuditEntry, AuditHead
from tsunagu.audit.selectors import audit_verify
from tsunagu.audit.services import audit_record


def test_two_simultaneous_first_writes_both_succeed(together):
    AuditHead.objects.all().delete()  # as on a log that has never been written to: no head row yet
    assert not AuditEntry.objects.exists()
    # Both find no head row and both try to create it, unless the creation is serialised.
    together.meet_before(AuditHead.objects, "create", parties=2)

    results = together.run(
        lambda: audit_record(actor=None, action=AuditAction.VIEW, username="first"),
        lambda: audit_record(actor=None, action=AuditAction.VIEW, username="second"),
    )

    assert [type(r) for r in results] == [AuditEntry, AuditEntry], results
    assert sorted(r.seq for r in results) == [1, 2]
    assert AuditHead.objects.get().seq == 2
    # Committed for real here (a transactional test), so each entry's checkpoint line was written at its commit.
    lines = checkpoint_file(timezone.localdate()).read_text(encoding="utf-8").splitlines()
    assert sorted(int(line.split("\t")[0]) for line in lines) == [1, 2]
    assert audit_verify() == (2, [])
