"""Resident pages: search, the person page, export."""

from .persons import (
    SEARCH_PAGE_SIZE,
    person_detail_view,
    person_export_view,
    person_search_view,
)

__all__ = [
    "SEARCH_PAGE_SIZE",
    "person_detail_view",
    "person_export_view",
    "person_search_view",
]
