"""Anonymised figures of the other apps for one forum's district: counts only, every figure under 5 hidden with
its complements (tsunagu.core.suppression — the one suppression of the project), never a person.

- 見守り (watch): visits recorded for residents of the district's towns in a period, by method, and the
  「気になること」 tags of those visits, each a suppressed series with its total. Members see them.
- 安否確認 (disaster): for each ended event (or drill) of the last year covering the district, the district's
  persons by their last status. Members see them.
- 相談 (cases): the row of the district in tsunagu.cases.selectors.area.area_issues (reused as it is: its
  suppression is over the ward's whole table). Only for holders of VIEW_AREA_FIGURES, as on the cases page."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.access import policy
from tsunagu.access.policy import Capability
from tsunagu.areas.models import District
from tsunagu.cases.selectors.area import area_issues
from tsunagu.core.suppression import suppress_series
from tsunagu.disaster.models import DisasterEvent, SafetyCurrent, SafetyStatus
from tsunagu.watch.models import ConcernTag, VisitMethod, WatchVisit

WATCH_PERIOD_DAYS = 91  # about three months: the interval of a 見守り活動報告会


@dataclass(frozen=True)
class Figure:
    source: str  # watch, disaster, cases
    key: str  # stable key of the figure within its source (tag, status…)
    group: str  # the table it belongs to, for display
    label: str
    count: int | None  # None: hidden (under 5, or so that a hidden one cannot be worked out)
    start: datetime.date
    end: datetime.date

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "key": self.key,
            "group": self.group,
            "label": self.label,
            "count": self.count,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }


def _series(
    source: str, group: str, keyed: list[tuple[str, str, int]], start: datetime.date, end: datetime.date
) -> list[Figure]:
    cells, total = suppress_series([n for _k, _l, n in keyed])
    rows = [Figure(source, k, group, label, c, start, end) for (k, label, _n), c in zip(keyed, cells, strict=True)]
    rows.append(Figure(source, f"{group}:total", group, _("計"), total, start, end))
    return rows


def watch_figures(district: District, start: datetime.date, end: datetime.date) -> list[Figure]:
    """Visits by method and concerns by tag, for residents of the district's towns, from start to end (inclusive)."""
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    visits = WatchVisit.objects.filter(
        person__town__in=district.towns.all(), observed_at__gte=since, observed_at__lt=until
    ).values_list("method", "concerns")
    methods: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    for method, concerns in visits:
        methods[method] += 1
        for tag in set(concerns or ()):
            tags[tag] += 1
    method_rows = [(m, str(label), methods[m]) for m, label in VisitMethod.choices]
    tag_rows = [(t, str(label), tags[t]) for t, label in ConcernTag.choices]
    return _series("watch", "visits", method_rows, start, end) + _series("watch", "concerns", tag_rows, start, end)


def watch_snapshot(district: District, start: datetime.date, end: datetime.date) -> dict:
    """What a 見守り活動報告会 keeps on its agenda: the figures and when they were taken."""
    return {
        "source": "watch",
        "start": start.isoformat(),
        "end": end.isoformat(),
        "taken_at": timezone.now().isoformat(timespec="seconds"),
        "figures": [f.as_dict() for f in watch_figures(district, start, end)],
    }


def disaster_figures(district: District, today: datetime.date | None = None) -> list[Figure]:
    today = today or timezone.localdate()
    since = timezone.now() - datetime.timedelta(days=365)
    events = DisasterEvent.objects.filter(districts=district, ended_at__isnull=False, ended_at__gte=since).order_by(
        "-started_at"
    )[:3]
    figures: list[Figure] = []
    for event in events:
        counts = Counter(
            SafetyCurrent.objects.filter(event=event, town__in=district.towns.all()).values_list("status", flat=True)
        )
        rows = [(s, str(label), counts[s]) for s, label in SafetyStatus.choices]
        group = f"event{event.pk}"
        start, end = timezone.localtime(event.started_at).date(), timezone.localtime(event.ended_at).date()
        for figure in _series("disaster", group, rows, start, end):
            figures.append(
                Figure("disaster", f"{group}:{figure.key}", event.name, figure.label, figure.count, start, end)
            )
    return figures


def cases_figures(user, district: District) -> list[Figure]:  # noqa: ANN001
    """The district's row of the ward's consultation figures (empty without VIEW_AREA_FIGURES)."""
    if not policy.can(user, Capability.VIEW_AREA_FIGURES):
        return []
    issues = area_issues(user, district_type_id=district.district_type_id)
    if issues.district_type is None or issues.district_type.pk != district.district_type_id:
        return []
    try:
        row = issues.districts.index(district.name)
    except ValueError:
        return []
    cells = issues.by_district.cells[row]
    return [
        Figure("cases", value, "domains", label, cells[j], issues.start, issues.end)
        for j, (value, label) in enumerate(issues.domains)
    ]


def default_watch_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    end = today or timezone.localdate()
    return end - datetime.timedelta(days=WATCH_PERIOD_DAYS - 1), end


def figure_by_key(user, district: District, source: str, key: str) -> Figure | None:  # noqa: ANN001
    """The figure as it stands now (recomputed on the server, never taken from the form)."""
    if source == "watch":
        figures = watch_figures(district, *default_watch_period())
    elif source == "disaster":
        figures = disaster_figures(district)
    elif source == "cases":
        figures = cases_figures(user, district)
    else:
        return None
    return next((f for f in figures if f.key == key), None)
