"""What anyone may read without signing in: published events and articles, filtered by district and audience,
in the visitor's language when a translation exists."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from tsunagu.areas.models import District, Municipality
from tsunagu.core.ids import as_pk

from ..models import Article, Event, Publication, public_q


def _district_q(district: District | None) -> Q:
    """An item for the district, for a district that overlaps it (a 小学校区 inside a 出張所管内 shares towns), or
    for the whole ward."""
    if district is None:
        return Q()
    overlapping = District.objects.filter(towns__in=district.towns.all()).values("pk")
    return Q(district__isnull=True) | Q(district=district) | Q(district__in=overlapping)


def _filtered(qs: QuerySet, *, district: District | None, audience: str | None) -> QuerySet:
    qs = qs.filter(public_q()).filter(_district_q(district))
    if audience:
        qs = qs.filter(audiences__code=audience)
    return qs.select_related("district", "organisation").prefetch_related("audiences", "translations").distinct()


def public_events(
    *,
    municipality: Municipality | None = None,
    district: District | None = None,
    audience: str | None = None,
    upcoming: bool = True,
    kind: str | None = None,
) -> QuerySet[Event]:
    qs = Event.objects.all()
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    if upcoming:
        now = timezone.now()
        qs = qs.filter(Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now - datetime.timedelta(hours=3)))
    if kind:
        qs = qs.filter(kind=kind)
    return _filtered(qs, district=district, audience=audience).order_by("starts_at", "pk")


def public_articles(
    *, municipality: Municipality | None = None, district: District | None = None, audience: str | None = None
) -> QuerySet[Article]:
    qs = Article.objects.all()
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    return _filtered(qs, district=district, audience=audience).order_by("-published_at", "-pk")


def event_or_404(pk: object) -> Event:
    event = _filtered(Event.objects.filter(pk=as_pk(pk) or 0), district=None, audience=None).first()
    if event is None:
        raise Http404("event not found or not published")
    return event


def article_or_404(pk: object) -> Article:
    article = _filtered(Article.objects.filter(pk=as_pk(pk) or 0), district=None, audience=None).first()
    if article is None:
        raise Http404("article not found or not published")
    return article


@dataclass(frozen=True)
class Localised:
    title: str
    body: str
    language: str  # the language the title and body are in
    translated: bool  # a translation is shown
    missing: bool  # the visitor asked for a language this item has no translation for


def localised(item: Publication, language: str | None = None) -> Localised:
    """The item's title and body in the visitor's language when a translation exists, else in Japanese."""
    language = (language or get_language() or "ja").lower()
    if language == "ja" or language.startswith("ja-"):
        return Localised(item.title, item.body, "ja", translated=False, missing=False)
    translations = {t.language: t for t in item.translations.all()}
    found = translations.get(language) or translations.get(language.split("-")[0])
    if found is not None:
        return Localised(found.title, found.body, found.language, translated=True, missing=False)
    return Localised(item.title, item.body, "ja", translated=False, missing=True)
