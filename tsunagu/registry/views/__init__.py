"""Resident pages: search, the person page, export, and the import page."""

from .imports import residents_import_view
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
    "residents_import_view",
]
