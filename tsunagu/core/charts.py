"""Server-drawn charts: the geometry of a horizontal bar chart for an inline SVG (no script), drawn by the template
core/partials/bar_chart.html, which puts the same figures in a table beside it for screen readers and for those
who read numbers better than bars. A figure that is hidden (None: suppressed) is drawn as no bar and named so."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

LABEL_WIDTH = 170
BAR_HEIGHT = 22
GAP = 8
CHART_WIDTH = 640
VALUE_WIDTH = 60


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | None
    y: int
    width: int
    text_y: int


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    value_x: int
    unit: str


def bar_chart(
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, int | None]],
    *,
    description: str = "",
    unit: str = "",
) -> BarChart:
    """Bars scaled to the largest shown value; `chart_id` makes the SVG's ids unique on the page."""
    largest = max((v for _l, v in rows if v), default=0)
    span = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for index, (label, value) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        width = round(span * value / largest) if value and largest else 0
        bars.append(Bar(label, value, y, width, y + BAR_HEIGHT // 2))
    height = GAP + len(rows) * (BAR_HEIGHT + GAP)
    return BarChart(
        chart_id, title, description, bars, CHART_WIDTH, max(height, 2 * GAP), LABEL_WIDTH, LABEL_WIDTH + 6, unit
    )
