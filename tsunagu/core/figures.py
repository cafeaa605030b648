"""Figures over large scopes (counts and statistics that name no one), computed once and kept a while.

A ward of a million residents makes its home page's totals, its roster's 91,000 entries and its map's extent
cost a scan each; a hundred people opening those pages would repeat the same scans. A figure over more than
`TSUNAGU_FIGURES_EXACT_BELOW` rows is therefore kept in the cache (shared by the app servers when `REDIS_URL`
is set) for `TSUNAGU_FIGURES_CACHE_SECONDS`, keyed by the query's own SQL and parameters (so by the viewer's
scope, the day, the build and the filters), and by a generation that the writers of what figures count
(imports, roster builds, consent, person edits) move on when they commit (`figures_changed`): a kept figure is
never older than the last such write. Smaller figures, such as a commissioner's own district, are always
counted live, and so is every row a page shows."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

from .generations import Generation

T = TypeVar("T")

FIGURES = Generation("figures")
GENERATION_KEY = FIGURES.key


def figures_changed(using: str | None = None) -> None:
    """Say that data the figures count has changed: once the current transaction commits, every kept figure
    is computed again when next asked for."""
    FIGURES.advance(using, now=False)


def _key(name: str, queryset: QuerySet) -> str | None:
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return None
    generation = FIGURES.current()
    database = connections[queryset.db].settings_dict["NAME"]  # one cache may serve several databases
    text = f"{name}|{database}|{generation}|{sql}|{params!r}"
    return "tsunagu:figure:" + hashlib.sha256(text.encode()).hexdigest()


def kept_figure(name: str, queryset: QuerySet, compute: Callable[[], T]) -> T:
    """`compute()` — a figure over `queryset` — from the cache when this query's figure was kept in this
    generation, else computed and kept. `name` tells apart figures of one queryset (a count, an extent)."""
    seconds = settings.TSUNAGU_FIGURES_CACHE_SECONDS
    key = _key(name, queryset) if seconds > 0 else None
    if key is None:
        return compute()
    kept = cache.get(key)
    if kept is None:
        kept = compute()
        cache.set(key, kept, timeout=seconds)
    return kept


def count(queryset: QuerySet) -> int:
    """How many rows `queryset` has: a figure kept in this generation when there is one, else counted; kept
    only when past TSUNAGU_FIGURES_EXACT_BELOW, so that a small count (a commissioner's district) is always
    live."""
    key = _key("count", queryset) if settings.TSUNAGU_FIGURES_CACHE_SECONDS > 0 else None
    if key is None:
        return queryset.count()
    kept = cache.get(key)
    if kept is not None:
        return kept
    counted = queryset.count()
    if counted > settings.TSUNAGU_FIGURES_EXACT_BELOW:
        cache.set(key, counted, timeout=settings.TSUNAGU_FIGURES_CACHE_SECONDS)
    return counted
