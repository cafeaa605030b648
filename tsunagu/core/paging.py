"""One page of a list: the window every list page and its audit entry share, and the page number asked for."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from . import figures

# Far past the end of any list (a million residents at ten a page is 100,000 pages), yet small enough that
# page × page size stays well inside a 64-bit database integer: ?page=9223372036854775807 cannot overflow.
MAX_PAGE_NUMBER = 1_000_000_000


def page_number(request_or_value: object, *, param: str = "page") -> int:
    """The page asked for, from a request's query string (``?page=``) or a value already taken from one:
    a whole number from 1 to MAX_PAGE_NUMBER. Anything else (missing, blank, negative, "abc", "1.5") is page 1;
    a number past the end is clamped here and becomes the last page in `take_page` or Paginator.get_page."""
    query = getattr(request_or_value, "GET", None)  # an HttpRequest (or a DRF Request, which passes it on)
    value = query.get(param) if query is not None else request_or_value
    if isinstance(value, bool):
        return 1
    if isinstance(value, int):
        number = value
    else:
        text = "" if value is None else str(value).strip()
        if not (text.isascii() and text.isdigit()):
            return 1
        # Over twelve digits is past any list: never hand int() a string of thousands of digits.
        number = int(text) if len(text) <= 12 else MAX_PAGE_NUMBER
    return max(1, min(number, MAX_PAGE_NUMBER))


@dataclass(kw_only=True)
class PageWindow:
    total: int
    page: int
    page_size: int
    # True when counting stopped at the count limit: there are more than `total` rows (take_page's count_limit).
    total_capped: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def take_page(
    qs: QuerySet | Sequence[QuerySet],
    *,
    page: int,
    page_size: int,
    max_page_size: int,
    past_end_is_last: bool = True,
    count_limit: int | None = None,
    ids_first: bool = False,
) -> tuple[list[Any], PageWindow]:
    """The rows of one page and where it sits in the whole. The size is clamped to 1..max_page_size and a page
    before the first is the first. A page past the end (however large) is the last, as Paginator.get_page
    does, for people following links. ``past_end_is_last=False`` (the API) keeps the number asked for and
    returns no rows, so a client that reads pages until one comes back empty stops; the number is still
    clamped to MAX_PAGE_NUMBER, so the offset cannot overflow the database's integers.

    ``qs`` may be several ordered querysets of the same model (parts): the list is the first's rows, then the
    next's. With ``count_limit``, rows are counted only up to it (any count_limit + 1 of them, unordered, which
    the database finds without reading every match): past it the window's total is the limit, ``total_capped``
    is set, and the pages end there — a list that long is narrowed, not read through. With ``ids_first`` the
    page's primary keys are selected first and the rows then fetched by key, so that ordering the matches can
    read an index alone (a covering index, an index-only scan) rather than every matching row."""
    parts = [qs] if isinstance(qs, QuerySet) else list(qs)
    page_size = max(1, min(page_size, max_page_size))
    first_page: list[Any] | None = None
    if page <= 1:
        # The first page is read first: when it is not full, it is the whole list and needs no count.
        first_page = []
        for part in parts:
            if len(first_page) < page_size:
                first_page += _slice(part, 0, page_size - len(first_page), ids_first=ids_first)
        if len(first_page) < page_size and (count_limit is None or len(first_page) <= count_limit):
            return first_page, PageWindow(total=len(first_page), page=1, page_size=page_size)
    counts: list[int] = []
    for part in parts:
        if count_limit is None:
            counts.append(figures.count(part))  # past a thousand rows, a kept figure (tsunagu.core.figures)
        else:
            counts.append(part.order_by()[: count_limit - sum(counts) + 1].count())
            if sum(counts) > count_limit:
                break
    total = sum(counts)
    capped = count_limit is not None and total > count_limit
    if capped:
        total = count_limit
    last = max(1, -(-total // page_size))
    page = max(1, min(page, last if past_end_is_last else MAX_PAGE_NUMBER))
    rows: list[Any] = []
    if first_page is not None:
        rows = first_page[:total]
    elif page <= last:
        start, stop = (page - 1) * page_size, min(page * page_size, total)
        for part, count in zip(parts, counts, strict=False):
            if start < count and stop > 0:
                rows += _slice(part, max(start, 0), min(stop, count), ids_first=ids_first)
            start, stop = start - count, stop - count
    return rows, PageWindow(total=total, page=page, page_size=page_size, total_capped=capped)


def _slice(qs: QuerySet, start: int, stop: int, *, ids_first: bool) -> list[Any]:
    if not ids_first:
        return list(qs[start:stop])
    keys = list(qs.values_list("pk", flat=True)[start:stop])
    by_key = qs.order_by().in_bulk(keys)
    return [by_key[key] for key in keys]
