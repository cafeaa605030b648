from .public import (
    Localised,
    article_or_404,
    event_or_404,
    localised,
    public_articles,
    public_events,
)
from .staff import managed_articles, managed_events, managed_item_or_deny, signups_of

__all__ = [
    "Localised",
    "article_or_404",
    "event_or_404",
    "localised",
    "managed_articles",
    "managed_events",
    "managed_item_or_deny",
    "public_articles",
    "public_events",
    "signups_of",
]
