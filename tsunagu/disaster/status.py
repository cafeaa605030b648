"""The rules that turn a person's reports into a status: the latest observed decides; reports that disagree
within a short time are a conflict. Pure functions, shared by the write path (which keeps SafetyCurrent) and the
reads."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from .models import ALL_RIGHT, NEEDS_SOMEONE, SafetyReport

# Two reports this close in time that disagree (one says all right, the other needs someone) are a conflict.
CONFLICT_WINDOW = datetime.timedelta(minutes=30)


def _latest_first(report: SafetyReport) -> tuple:
    return (report.observed_at, report.received_at, report.pk)


def current_report(reports: Iterable[SafetyReport]) -> SafetyReport | None:
    """The report that decides the current status: the latest observed (a report sent late from a phone that was
    offline does not overwrite a newer observation)."""
    return max(reports, key=_latest_first, default=None)


def conflicting_reports(reports: list[SafetyReport]) -> list[SafetyReport]:
    """Reports near the current one in time whose status says the opposite (無事 and 要救助 within minutes): both
    are shown side by side, none is overwritten."""
    latest = current_report(reports)
    if latest is None:
        return []
    opposite = NEEDS_SOMEONE if latest.status in ALL_RIGHT else ALL_RIGHT if latest.status in NEEDS_SOMEONE else None
    if opposite is None:
        return []
    return sorted(
        (
            r
            for r in reports
            if r.pk != latest.pk and r.status in opposite and abs(r.observed_at - latest.observed_at) <= CONFLICT_WINDOW
        ),
        key=_latest_first,
        reverse=True,
    )
