"""Template filters of the events pages: texts with or without ふりがな, and an event's date and time."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from tsunagu.core.furigana import furigana_html

register = template.Library()


@register.filter
def reading(text: str, ruby: bool) -> SafeString:
    """The text as paragraphs, with ruby over its kanji when the reader switched ふりがな on."""
    if not text:
        return mark_safe("")
    if not ruby:
        return mark_safe(linebreaks(escape(text)))  # noqa: S308 - escaped
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return mark_safe("".join(f"<p>{furigana_html(p.strip())}</p>" for p in paragraphs))  # noqa: S308 - escaped


@register.filter
def ruby_line(text: str, ruby: bool) -> SafeString | str:
    """One line (a title): ruby when switched on, else the text (escaped by the template)."""
    return furigana_html(text) if ruby and text else text


def _day(value: datetime.datetime) -> str:
    if (get_language() or "ja").startswith("ja"):
        return date_format(value, "Y年n月j日（D）")
    return date_format(value, "D j M Y")


@register.simple_tag
def event_when(event) -> str:  # noqa: ANN001
    """「2026年5月12日（火）13:30〜15:00」; the end's day too when it ends on another day."""
    start = timezone.localtime(event.starts_at)
    text = f"{_day(start)} {start:%H:%M}"
    if event.ends_at:
        end = timezone.localtime(event.ends_at)
        text += f"〜{_day(end)} {end:%H:%M}" if end.date() != start.date() else f"〜{end:%H:%M}"
    return text
