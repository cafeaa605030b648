"""Tampering with the audit log as someone with write access to the database would, and entries as the writer
before the keyed chain made them."""

import hashlib
from collections.abc import Callable

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from tsunagu.audit.models import GENESIS_HASH, AuditAction, AuditEntry, AuditHead
from tsunagu.audit.triggers import drop_audit_triggers, install_audit_triggers


def tamper(sql: str, params: list) -> None:
    """What someone with direct database access could do: switch the triggers off and change rows."""
    drop_audit_triggers(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    install_audit_triggers(connection)


def plain_sha256(entry: AuditEntry) -> str:
    """The hash anyone can compute: what the chain used before it was keyed."""
    return hashlib.sha256(entry.canonical().encode("utf-8")).hexdigest()


def rewrite_from(seq: int, *, change: Callable[[AuditEntry], None], rehash: Callable[[AuditEntry], str]) -> None:
    """Change entry `seq`, then recompute its hash and every later one (links included) with `rehash`, and move
    AuditHead to the new last hash: a rewrite that leaves a plain hash chain perfectly consistent."""
    entries = list(AuditEntry.objects.filter(seq__gte=seq).order_by("seq"))
    prev_hash = AuditEntry.objects.get(seq=seq - 1).hash if seq > 1 else GENESIS_HASH
    change(entries[0])
    drop_audit_triggers(connection)
    with connection.cursor() as cursor:
        for entry in entries:
            entry.prev_hash = prev_hash
            entry.hash = rehash(entry)
            cursor.execute(
                "UPDATE audit_auditentry SET purpose = %s, key_id = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                [entry.purpose, entry.key_id, entry.prev_hash, entry.hash, entry.seq],
            )
            prev_hash = entry.hash
        cursor.execute("UPDATE audit_audithead SET hash = %s WHERE id = 1", [prev_hash])
    install_audit_triggers(connection)


def write_unkeyed_entry(*, username: str = "ward_officer", query: str = "") -> AuditEntry:
    """An entry as the writer before the keyed chain made it: plain SHA-256, no key id, no checkpoint line."""
    with transaction.atomic():
        if not AuditHead.objects.filter(pk=1).update(seq=F("seq") + 1):
            AuditHead.objects.create(pk=1, seq=1, hash=GENESIS_HASH)
        head = AuditHead.objects.get(pk=1)
        entry = AuditEntry(
            seq=head.seq,
            at=timezone.now(),
            actor_username=username,
            action=AuditAction.VIEW,
            query=query,
            prev_hash=head.hash,
        )
        entry.hash = plain_sha256(entry)
        entry.save(force_insert=True)
        AuditHead.objects.filter(pk=1).update(hash=entry.hash)
    return entry
