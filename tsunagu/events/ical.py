"""iCalendar (RFC 5545) of published events, with the icalendar library: one VEVENT per event, times in
Asia/Tokyo with their VTIMEZONE, a stable UID, and STATUS:CANCELLED for an event called off (calendars that
subscribed then strike it through instead of keeping a stale entry)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

import icalendar
from django.utils import timezone

from .models import Event

PRODID = "-//tsunagu//events//JA"


def calendar_bytes(events: Iterable[Event], *, name: str, url_for: Callable[[Event], str], host: str) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Tokyo")
    tz = timezone.get_current_timezone()
    stamp = timezone.now()
    for event in events:
        item = icalendar.Event()
        item.add("uid", f"event-{event.pk}@{host}")
        item.add("dtstamp", stamp)
        item.add("dtstart", event.starts_at.astimezone(tz))
        item.add("dtend", (event.ends_at or event.starts_at + datetime.timedelta(hours=1)).astimezone(tz))
        item.add("summary", event.title)
        item.add("location", " ".join(p for p in (event.place, event.place_address) if p))
        description = "\n\n".join(
            p for p in (event.body, event.easy_body, event.contact and f"問い合わせ：{event.contact}") if p
        )
        if description:
            item.add("description", description)
        item.add("url", url_for(event))
        item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
        item.add("categories", [event.get_kind_display()])
        item.add("last-modified", event.updated_at)
        if event.organiser_label:
            item.add("x-tsunagu-organiser", event.organiser_label)
        cal.add_component(item)
    cal.add_missing_timezones()
    return cal.to_ical()
