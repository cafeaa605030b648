"""RSS 2.0 and Atom feeds of published events and articles (Django's syndication framework), filtered like the
pages: ?district=<id>&audience=<code>."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from tsunagu.areas.models import District
from tsunagu.core.ids import as_pk

from .models import Article, AudienceKind, Event
from .selectors import public_articles, public_events


def feed_filters(request: HttpRequest) -> dict:
    """The district and audience of the query string; unknown values are ignored (a feed reader cannot show a
    form error)."""
    district = None
    raw = request.GET.get("district", "")
    if pk := as_pk(raw):
        district = District.objects.filter(pk=pk).first()
    audience = request.GET.get("audience") or None
    if audience not in AudienceKind.values:
        audience = None
    return {"district": district, "audience": audience}


class _Filtered(Feed):
    def get_object(self, request: HttpRequest) -> dict:
        self.request_query = request.GET.urlencode()
        return feed_filters(request)

    def _suffix(self, filters: dict) -> str:
        parts = []
        if filters["district"] is not None:
            parts.append(filters["district"].name)
        if filters["audience"]:
            parts.append(str(AudienceKind(filters["audience"]).label))
        return f"（{'・'.join(parts)}）" if parts else ""


class EventsRss(_Filtered):
    def title(self, obj: dict) -> str:
        return _("地域の行事") + self._suffix(obj)

    def link(self) -> str:
        return reverse("events:list")

    def description(self) -> str:
        return _("区と地区の行事：サロン、講座、子ども向けイベント、防災訓練、まつりなど。")

    def items(self, obj: dict) -> list[Event]:
        return list(public_events(**obj)[:100])

    def item_title(self, item: Event) -> str:
        prefix = _("【中止】") if item.is_cancelled else ""
        return prefix + item.title

    def item_description(self, item: Event) -> str:
        return item.easy_body or item.body

    def item_link(self, item: Event) -> str:
        return reverse("events:detail", args=[item.pk])

    def item_pubdate(self, item: Event):  # noqa: ANN201
        return item.published_at or item.created_at

    def item_updateddate(self, item: Event):  # noqa: ANN201
        return item.updated_at

    def item_categories(self, item: Event) -> list[str]:
        return [str(item.get_kind_display())]


class EventsAtom(EventsRss):
    feed_type = Atom1Feed
    subtitle = EventsRss.description


class ArticlesRss(_Filtered):
    def title(self, obj: dict) -> str:
        return _("お知らせ") + self._suffix(obj)

    def link(self) -> str:
        return reverse("events:articles")

    def description(self) -> str:
        return _("区と地区からのお知らせ。")

    def items(self, obj: dict) -> list[Article]:
        return list(public_articles(**obj)[:50])

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.body

    def item_link(self, item: Article) -> str:
        return reverse("events:article", args=[item.pk])

    def item_pubdate(self, item: Article):  # noqa: ANN201
        return item.published_at or item.created_at

    def item_updateddate(self, item: Article):  # noqa: ANN201
        return item.updated_at


class ArticlesAtom(ArticlesRss):
    feed_type = Atom1Feed
    subtitle = ArticlesRss.description
