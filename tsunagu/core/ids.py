"""Record ids as they arrive from paths, forms and query strings."""

from __future__ import annotations

# Database integer columns are 64-bit; a larger ID cannot exist and must not reach the query.
MAX_ID = 2**63 - 1


def as_pk(raw: object) -> int | None:
    """An id as typed, as a database integer; None when it cannot be one (so it matches nothing, and the caller
    answers 404 exactly as for an unknown id)."""
    try:
        pk = int(str(raw))
    except ValueError:
        return None
    return pk if 0 < pk <= MAX_ID else None
