"""The audit chain's keys (HMAC-SHA-256), read from settings, never from the database.

Whoever can write the audit tables can recompute a plain hash chain, but not a keyed one: without the key they
cannot produce a hash that verifies. An attacker who holds the key can rewrite the chain; the checkpoint files
(tsunagu.audit.checkpoint) are the second line against that.

`TSUNAGU_AUDIT_KEY` signs new entries; `TSUNAGU_AUDIT_OLD_KEYS` holds keys retired by a rotation, kept so the
entries they signed still verify. Each entry stores the id of its key (`AuditEntry.key_id`), a fingerprint
derived from the key that reveals nothing about it; entries written before keys existed have an empty id and a
plain SHA-256 hash."""

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings

KEY_ID_LENGTH = 16


class UnknownAuditKeyError(LookupError):
    """An entry or checkpoint names a key that is not configured on this server."""


def key_id(key: bytes) -> str:
    """A short public name for a key: an HMAC of a fixed text, so it identifies the key without revealing it."""
    return hmac.new(key, b"tsunagu-audit-key-id", hashlib.sha256).hexdigest()[:KEY_ID_LENGTH]


def mac(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class AuditKeys:
    current_id: str
    current: bytes
    by_id: dict[str, bytes]

    def get(self, kid: str) -> bytes:
        try:
            return self.by_id[kid]
        except KeyError:
            raise UnknownAuditKeyError(kid) from None


def audit_keys() -> AuditKeys:
    """The configured keys, read from settings on each call (cheap: one HMAC per key), so a test that changes the
    setting, or a rotation, takes effect at once."""
    current = settings.TSUNAGU_AUDIT_KEY.encode("utf-8")
    keys = [current, *(k.encode("utf-8") for k in getattr(settings, "TSUNAGU_AUDIT_OLD_KEYS", []) if k)]
    return AuditKeys(current_id=key_id(current), current=current, by_id={key_id(k): k for k in keys})
