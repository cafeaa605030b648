import pytest
from django.db import connection

from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.audit.services import audit_record
from tsunagu.audit.triggers import install_audit_triggers
from tsunagu.testing.factories import UserFactory


@pytest.fixture
def chain(db):
    """Five entries on an empty log (no `ward` fixture: building its roster writes an entry of its own)."""
    install_audit_triggers(connection)  # a transactional test may have dropped them for its flush
    officer = UserFactory(username="ward_officer")
    for i in range(5):
        audit_record(actor=officer, action=AuditAction.VIEW, target_type="person", target_ids=[i + 1])
    return list(AuditEntry.objects.order_by("seq"))
