"""One page of a list: the window every list page and its audit entry share."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

# No list has this many pages; a larger number is clamped before it reaches a query (64-bit OFFSET).
MAX_PAGE = 1_000_000


def page_number(value: "HttpRequest | object") -> int:
    """The page asked for (a request's ?page=, or a value): 1 when missing or unreadable, never above MAX_PAGE."""
    if isinstance(value, HttpRequest):
        value = value.GET.get("page", "1")
    try:
        number = int(str(value).strip())
    except ValueError:
        return 1
    return min(max(1, number), MAX_PAGE)


@dataclass(kw_only=True)
class PageWindow:
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def take_page(qs: QuerySet, *, page: int, page_size: int, max_page_size: int) -> tuple[list[Any], PageWindow]:
    """The rows of one page (page and size clamped to sensible values) and where it sits in the whole."""
    page_size = max(1, min(page_size, max_page_size))
    page = max(1, page)
    total = qs.count()
    rows = list(qs[(page - 1) * page_size : page * page_size])
    return rows, PageWindow(total=total, page=page, page_size=page_size)
