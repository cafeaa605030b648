"""Saving events, articles and their translations: only by those who manage them (tsunagu.access.policy)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tsunagu.access import policy
from tsunagu.access.policy import Capability, CapabilityDenied

from ..models import Article, ArticleTranslation, Event, EventTranslation, Publication


def _require_manages(user, item: Publication) -> None:  # noqa: ANN001
    if not policy.manages_publication(user, municipality_id=item.municipality_id, organisation_id=item.organisation_id):
        raise CapabilityDenied(Capability.MANAGE_EVENTS)


@transaction.atomic
def _save(user, item: Publication, audiences, was: Publication | None) -> Publication:  # noqa: ANN001
    # Both the item as it was and as it becomes must be the user's: nobody moves another's event to themselves.
    if was is not None:
        _require_manages(user, was)
    _require_manages(user, item)
    if item.is_published and item.published_at is None:
        item.published_at = timezone.now()
    if item.pk is None:
        item.created_by = user
    item.save()
    if audiences is not None:
        item.audiences.set(audiences)
    if isinstance(item, Event) and was is not None and isinstance(was, Event):
        from .signups import promote_waiting

        # A raised capacity frees places for those waiting.
        if (item.capacity or 0) > (was.capacity or 0) or item.capacity is None:
            promote_waiting(Event.objects.select_for_update().get(pk=item.pk))
    return item


def event_save(*, user, event: Event, audiences=None) -> Event:  # noqa: ANN001
    was = Event.objects.get(pk=event.pk) if event.pk else None
    return _save(user, event, audiences, was)


def article_save(*, user, article: Article, audiences=None) -> Article:  # noqa: ANN001
    was = Article.objects.get(pk=article.pk) if article.pk else None
    return _save(user, article, audiences, was)


def translation_save(*, user, item: Publication, language: str, title: str, body: str) -> None:  # noqa: ANN001
    """Add or replace the item's translation into `language`; an empty title removes it."""
    _require_manages(user, item)
    model, key = (EventTranslation, "event") if isinstance(item, Event) else (ArticleTranslation, "article")
    if not title.strip():
        model.objects.filter(**{key: item, "language": language}).delete()
        return
    model.objects.update_or_create(**{key: item, "language": language}, defaults={"title": title, "body": body})
