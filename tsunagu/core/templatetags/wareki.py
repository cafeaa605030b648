"""和暦 in templates: {% load wareki %} then {{ person.birth_date|wareki }} → 「昭和15年5月3日（86歳）」."""

import datetime

from django import template
from django.utils import timezone

from tsunagu.core.wareki import format_birth_with_age, format_wareki

register = template.Library()


@register.filter(name="wareki")
def wareki_with_age(value: datetime.date | None) -> str:
    """A birth date in 和暦 with today's age; empty for a missing date."""
    if not isinstance(value, datetime.date):
        return ""
    return format_birth_with_age(value)


@register.filter(name="wareki_date")
def wareki_date(value: datetime.date | None) -> str:
    """Any date in 和暦 without an age (「令和7年4月1日」)."""
    if not isinstance(value, datetime.date):
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return format_wareki(value)
