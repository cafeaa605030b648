"""Generations: a number in the shared cache that the writers of some data move on, so that anything kept under
the number of its time is never read again once that data has changed.

Figures (tsunagu.core.figures) and the viewer's access (tsunagu.access.policy.viewer) keep results in the cache
keyed by a generation. A writer calls `advance`: the number moves at once, inside the writer's transaction, and
again when that transaction commits. The second move matters: a reader that saw the first move while the write
was still uncommitted read the old rows and may have kept them under the new number."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection, transaction

T = TypeVar("T")
_MISSING = object()


class Generation:
    def __init__(self, name: str) -> None:
        self.key = f"tsunagu:generation:{name}"

    def current(self) -> int:
        return cache.get(self.key, 0)

    def keep(self, parts: tuple, compute: Callable[[], T], *, seconds: int, generation: int | None = None) -> T:
        """compute(), or what it gave for these `parts` in this generation (of this database) when kept. `seconds`
        0: nothing is kept. `generation`: the number read earlier by the caller (one read per request)."""
        if seconds <= 0:
            return compute()
        number = self.current() if generation is None else generation
        text = repr((self.key, connection.settings_dict["NAME"], number, *parts))
        key = "tsunagu:kept:" + hashlib.sha256(text.encode()).hexdigest()
        value = cache.get(key, _MISSING)
        if value is _MISSING:
            value = compute()
            cache.set(key, value, timeout=seconds)
        return value

    def advance(self, using: str | None = None, *, now: bool = True) -> None:
        """Move the number on (at once when `now`, and in any case when the current transaction commits)."""
        if now:
            self._next()
        transaction.on_commit(self._next, using=using)

    def _next(self) -> None:
        try:
            cache.incr(self.key)
        except ValueError:  # not in the cache yet (or evicted): any new value starts a new generation
            cache.set(self.key, 1, timeout=None)


# Who may see what: memberships, organisations, agreements and the districts and 町丁目 they name. The policy keeps
# each user's memberships and the towns of their districts under it (tsunagu.access.policy.viewer); model saves
# move it through signals (tsunagu.access.apps), and bulk writers of those tables (the areas import) call it.
ACCESS = Generation("access")
