"""Writing the audit log. Every access to personal data, and every refusal, calls `audit_record`."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from tsunagu.core.japanese import without_controls

from .checkpoint import checkpoint_after_commit
from .keys import audit_keys
from .models import (
    GENESIS_HASH,
    HEAD_REBUILT_DETAIL,
    AuditAction,
    AuditChannel,
    AuditEntry,
    AuditHead,
    AuditTarget,
)


def _client_ip(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return (request.META.get("REMOTE_ADDR") or "")[:45]


def _channel_for(request: HttpRequest | None) -> str:
    if request is None:
        return AuditChannel.CLI
    return AuditChannel.API if request.path.startswith("/api/") else AuditChannel.WEB


def _advance_head() -> tuple[AuditHead, int | None]:
    """Take the head row's lock and move it on by one; returns the head, and the number of the last entry if the
    row had to be rebuilt although entries exist.

    The UPDATE takes the row lock (PostgreSQL) or the write lock (SQLite) before we read the head, so two writers
    can never chain to the same previous entry. The row is created by a migration; it is missing only after a
    test flushes the tables or after someone deleted it. Two writers that both find it missing both try to create
    it: on PostgreSQL the second INSERT waits for the first writer's commit and then fails on the primary key, so
    it gives up its own row (a savepoint) and takes the first one's lock instead of failing the access."""
    rebuilt_from = None
    for _attempt in range(3):
        if AuditHead.objects.filter(pk=1).update(seq=F("seq") + 1):
            return AuditHead.objects.get(pk=1), rebuilt_from
        last = AuditEntry.objects.order_by("-seq").only("seq", "hash").first()
        try:
            with transaction.atomic():
                AuditHead.objects.create(pk=1, seq=last.seq if last else 0, hash=last.hash if last else GENESIS_HASH)
        except IntegrityError:
            continue
        # Continue the chain rather than refuse every access to personal data (the roster is needed most in a
        # disaster), and seal the event into the next entry so that verify keeps reporting it.
        rebuilt_from = last.seq if last else None
    raise RuntimeError("the audit head row could not be locked")


def audit_record(
    *,
    actor,  # noqa: ANN001 - a User, an AnonymousUser or None for the system
    action: str,
    target_type: str = "",
    target_ids: Iterable[int] = (),
    query: str = "",
    purpose: str = "",
    detail: dict | None = None,
    request: HttpRequest | None = None,
    channel: str | None = None,
    username: str = "",
) -> AuditEntry:
    """Append one entry to the chain. Runs in its own transaction (nested in the caller's if any), so an
    access whose audit row cannot be written fails with it."""
    if target_type and target_type not in AuditTarget.values:
        # The list is closed so that every entry can be named on screen; a new kind gets a member first.
        raise ValueError(f"unknown audit target type: {target_type!r}")
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    keys = audit_keys()
    detail = dict(detail or {})
    # No savepoint inside a caller's transaction: a failure here fails the caller's whole write, as it must, and
    # every access to personal data saves two round trips.
    with transaction.atomic(savepoint=False):
        head, rebuilt_from = _advance_head()
        if rebuilt_from is not None:
            detail[HEAD_REBUILT_DETAIL] = rebuilt_from
        entry = AuditEntry(
            seq=head.seq,
            at=timezone.now(),
            actor_id_value=actor.pk if authenticated else None,
            actor_username=(actor.get_username() if authenticated else username)[:150],
            action=action,
            channel=channel or _channel_for(request),
            target_type=target_type,
            target_ids=sorted({int(i) for i in target_ids}),
            query=str(query)[:500],
            purpose=str(purpose)[:200],
            detail=detail,
            ip_address=_client_ip(request),
            path=(request.get_full_path() if request is not None else "")[:500],
            prev_hash=head.hash,
            key_id=keys.current_id,
        )
        entry.hash = entry.compute_hash(keys)
        entry.save(force_insert=True)
        AuditHead.objects.filter(pk=1).update(hash=entry.hash)
        checkpoint_after_commit(seq=entry.seq, at=entry.at, hash_=entry.hash, kid=entry.key_id, keys=keys)
    return entry


def audit_denied(*, actor, request: HttpRequest | None, target_type: str, target_id: object) -> None:  # noqa: ANN001
    """An attempt to reach a record outside the actor's scope (a guessed URL or ID)."""
    audit_record(
        actor=actor,
        action=AuditAction.DENIED,
        target_type=target_type,
        detail={"requested_id": without_controls(str(target_id), 64)},
        request=request,
    )
