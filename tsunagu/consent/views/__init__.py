"""Consent pages."""

from .pages import (
    consent_index_view,
    consent_person_view,
    consent_replies_view,
)

__all__ = [
    "consent_index_view",
    "consent_person_view",
    "consent_replies_view",
]
