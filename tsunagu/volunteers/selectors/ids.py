"""Ids as typed in a path, read as database integers."""

from __future__ import annotations

from tsunagu.core.serializers import MAX_ID


def as_pk(raw: object) -> int | None:
    """An id as typed, as a database integer; None when it cannot be one (it then matches nothing, a 404). The
    same rule as the cases' and events' (their own copies sit on floors volunteers may not import)."""
    try:
        pk = int(str(raw))
    except ValueError:
        return None
    return pk if 0 < pk <= MAX_ID else None
