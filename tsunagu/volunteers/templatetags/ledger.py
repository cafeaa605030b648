"""Figures of the member-services ledger in pages: whole yen with thousands separators, hours without trailing
zeros (the units are in the column headers)."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


def yen_figure(value: Decimal | int | None) -> str:
    """「-1,200」 (the ledger holds whole yen)."""
    return f"{int(value or 0):,}"


def hours_figure(value: Decimal | None) -> str:
    """「1.5」, 「-3」, 「0」."""
    if not value:
        return "0"
    return f"{Decimal(value).normalize():f}"


register.filter("yen", yen_figure)
register.filter("hours", hours_figure)
