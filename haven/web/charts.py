"""Charts drawn on the server as SVG: readable without JavaScript, accessible, localised.

A chart is a title, a one-sentence description, axis labels and a list of labelled values
(already counted by the database). `render` draws it as an inline SVG (`role="img"`, named
by its `<title>` and described by its `<desc>`) followed by the same figures as a table in a
`<details>`, for screen readers, printing and anyone who wants the numbers. Numbers and dates
are written the reader's way (Babel, the page's language). No library and no script: a few
rectangles, a polyline and text, scaled by the browser with the page (`viewBox`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup, escape

from haven import i18n
from haven.i18n import N_

WIDTH = 400  # text stays readable when a phone shows the chart 320 px wide
HEIGHT = 240
LEFT = 48  # room for the values on the y axis
RIGHT = 12
TOP = 16
BOTTOM = 58  # room for the labels under the x axis and the axis title
BAR = "#1d70b8"
LINE = "#1d70b8"
INK = "#333333"
GRID = "#d0d4da"

# The fallback table's opening line, in the reader's language.
FIGURES = N_("The figures")


@dataclass(frozen=True)
class Point:
    """One labelled value of a chart: a bar, or a point on a line."""

    label: str
    value: int


@dataclass(frozen=True)
class Chart:
    """What a chart shows. Texts are already in the reader's language."""

    key: str  # unique on the page: ids of the title, description and table derive from it
    title: str
    description: str
    x_label: str
    y_label: str
    points: Sequence[Point] = field(default_factory=tuple)
    kind: Literal["bar", "line", "rows"] = "bar"  # rows: one labelled bar a line

    @property
    def total(self) -> int:
        return sum(p.value for p in self.points)


def number(value: int, language: str) -> str:
    """A count written the reader's way ("12,345")."""
    return format_decimal(value, locale=_locale(language))


def day(value: date, language: str) -> str:
    """A short date in the reader's language ("6 Dec", "6 ဒီ")."""
    return format_date(value, "d MMM", locale=_locale(language))


def _locale(language: str) -> str:
    return language if language in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 2.5, 5 times a power of ten at or above `value` (at least 1), so
    the y axis ends on a round number."""
    if value <= 1:
        return 1
    magnitude = 1
    while magnitude * 10 < value:
        magnitude *= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return int(step * magnitude)
    return 10 * magnitude  # pragma: no cover - the loop always returns


def render(chart: Chart, language: str) -> Markup:
    """The chart as an inline SVG and its figures as a table (escaped, safe to insert)."""
    return Markup("\n").join([_svg(chart, language), _table(chart, language)])


def _opening(chart: Chart, height: int) -> list[str]:
    key = escape(chart.key)
    return [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{key}-title {key}-desc" id="{key}" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="13" fill="{INK}">',
        f'<title id="{key}-title">{escape(chart.title)}</title>',
        f'<desc id="{key}-desc">{escape(chart.description)}</desc>',
    ]


ROW = 44  # a row of a "rows" chart: its label above, its bar below


def _rows(chart: Chart, language: str) -> Markup:
    """Categories as rows: a label on a line of its own (long Burmese labels never collide),
    a bar under it as long as its share of the largest, and the value at its end."""
    points = list(chart.points)
    top = max((p.value for p in points), default=0) or 1
    height = TOP + ROW * max(len(points), 1) + 8
    room = WIDTH - 2 * RIGHT - 64  # the longest bar leaves room for its value
    parts = _opening(chart, height)
    for index, point in enumerate(points):
        y = TOP + ROW * index
        width = room * point.value / top
        value = escape(number(point.value, language))
        parts.append(f'<text x="{RIGHT}" y="{y + 12}">{escape(point.label)}</text>')
        parts.append(
            f'<rect x="{RIGHT}" y="{y + 18}" width="{max(width, 1):.1f}" height="16" fill="{BAR}">'
            f"<title>{escape(point.label)}: {value}</title></rect>"
        )
        end = RIGHT + max(width, 1) + 6
        parts.append(f'<text x="{end:.1f}" y="{y + 31}" font-weight="600">{value}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped


def _svg(chart: Chart, language: str) -> Markup:
    if chart.kind == "rows":
        return _rows(chart, language)
    points = list(chart.points)
    top = nice_ceiling(max((p.value for p in points), default=0))
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    base = TOP + plot_height
    parts = _opening(chart, HEIGHT)
    # Grid lines and values on the y axis: 0, half (when a whole number), top.
    for fraction in (0.0, 0.5, 1.0) if top % 2 == 0 else (0.0, 1.0):
        y = base - fraction * plot_height
        value = round(top * fraction)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(number(value, language))}</text>"
        )
    count = max(len(points), 1)
    slot = plot_width / count
    # Every label when they fit, else every second or third one.
    every = 1 if count <= 8 else 2 if count <= 16 else 3
    centres: list[tuple[float, float]] = []
    for index, point in enumerate(points):
        centre = LEFT + slot * index + slot / 2
        y = base - (point.value / top) * plot_height
        centres.append((centre, y))
        if chart.kind == "bar":
            width = max(slot * 0.7, 1)
            parts.append(
                f'<rect x="{centre - width / 2:.1f}" y="{y:.1f}" width="{width:.1f}" '
                f'height="{base - y:.1f}" fill="{BAR}">'
                f"<title>{escape(point.label)}: {escape(number(point.value, language))}</title>"
                "</rect>"
            )
        if index % every == 0:
            parts.append(
                f'<text x="{centre:.1f}" y="{base + 18}" text-anchor="middle">'
                f"{escape(point.label)}</text>"
            )
    if chart.kind == "line" and centres:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in centres)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{LINE}" stroke-width="2.5"/>')
        parts.extend(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{LINE}"/>' for x, y in centres
        )
    # The axes and their titles.
    parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{base}" y2="{base}" stroke="{INK}"/>')
    parts.append(
        f'<text x="{LEFT + plot_width / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle" '
        f'font-weight="600">{escape(chart.x_label)}</text>'
    )
    parts.append(
        f'<text x="{LEFT}" y="{TOP - 4}" text-anchor="start" font-weight="600">'
        f"{escape(chart.y_label)}</text>"
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped


def _table(chart: Chart, language: str) -> Markup:
    key = escape(chart.key)
    rows = "".join(
        f'<tr><th scope="row">{escape(p.label)}</th>'
        f'<td class="figure-cell">{escape(number(p.value, language))}</td></tr>'
        for p in chart.points
    )
    figures = escape(i18n.gettext(FIGURES, language))
    return Markup(  # noqa: S704 - every text is escaped
        f'<details class="chart-figures"><summary>{figures}</summary>'
        f'<div class="table-scroll"><table id="{key}-table">'
        f"<caption>{escape(chart.title)}</caption>"
        f'<thead><tr><th scope="col">{escape(chart.x_label)}</th>'
        f'<th scope="col">{escape(chart.y_label)}</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div></details>"
    )
