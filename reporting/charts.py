"""Geometry of the dashboard's inline SVG charts: numbers in, shapes out.

No drawing library and no JavaScript: the template (reporting/_chart.svg.html) draws
what these functions place. Coordinates are SVG user units in a fixed viewBox that CSS
scales to the page's width.
"""

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import dateformat
from django.utils.functional import Promise

from scheduling.display import short_day

WIDTH = 720
HEIGHT = 240
LEFT, RIGHT, TOP, BOTTOM = 48, WIDTH - 8, 12, HEIGHT - 28  # the plot area
BAR_SHARE = 0.7  # of a day's width; the rest is the gap between bars
LABEL_EVERY = 7  # days between x-axis labels, counted back from the last day


@dataclass(frozen=True, slots=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True, slots=True)
class XLabel:
    x: float
    label: str


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    series: str  # CSS class suffix
    title: str  # the tooltip, e.g. "2026-11-20 Completed: 3"


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float
    title: str


@dataclass(frozen=True, slots=True)
class Chart:
    y_ticks: list[Tick]
    x_labels: list[XLabel]
    rects: list[Rect] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # SVG polyline points, one per run
    points: list[Point] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM


@dataclass(frozen=True, slots=True)
class Series:
    key: str
    label: str | Promise


def stacked_bars(
    days: Sequence[dt.date], values: Sequence[dict[str, int]], series: Sequence[Series]
) -> Chart:
    """One bar per day, its series stacked bottom-up in the order given."""
    top_value, step = _scale(max((sum(v.values()) for v in values), default=0))
    slot = (RIGHT - LEFT) / max(len(days), 1)
    width = slot * BAR_SHARE
    rects = []
    for index, (day, counts) in enumerate(zip(days, values, strict=True)):
        x = LEFT + index * slot + (slot - width) / 2
        base = 0
        for s in series:
            count = counts.get(s.key, 0)
            if count:
                y_low, y_high = _y(base, top_value), _y(base + count, top_value)
                rects.append(
                    Rect(
                        x=_r(x),
                        y=_r(y_high),
                        width=_r(width),
                        height=_r(y_low - y_high),
                        series=s.key,
                        title=f"{short_day(day)} {s.label}: {count}",
                    )
                )
            base += count
    ticks = [Tick(_r(_y(v, top_value)), str(v)) for v in range(0, top_value + 1, step)]
    return Chart(y_ticks=ticks, x_labels=_x_labels(days), rects=rects)


def rate_line(
    days: Sequence[dt.date], rates: Sequence[float | None], titles: Sequence[str]
) -> Chart:
    """A line of rates (0..1) per day, broken where a day has no rate."""
    runs: list[list[Point]] = [[]]
    for index, (rate, title) in enumerate(zip(rates, titles, strict=True)):
        if rate is None:
            runs.append([])
            continue
        runs[-1].append(Point(x=_r(_x(index, len(days))), y=_r(_y(rate, 1)), title=title))
    points = [p for run in runs for p in run]
    lines = [" ".join(f"{p.x},{p.y}" for p in run) for run in runs if len(run) > 1]
    ticks = [Tick(_r(_y(share / 100, 1)), f"{share}%") for share in range(0, 101, 25)]
    return Chart(y_ticks=ticks, x_labels=_x_labels(days), lines=lines, points=points)


def _scale(highest: int) -> tuple[int, int]:
    """A round top for the y axis and its tick step (1, 2 or 5 x 10^n; at most 5 steps)."""
    if highest <= 0:
        return 1, 1
    step = 1
    while True:
        for multiple in (1, 2, 5):
            if highest <= 5 * step * multiple:
                step *= multiple
                return math.ceil(highest / step) * step, step
        step *= 10


def _x(index: int, count: int) -> float:
    slot = (RIGHT - LEFT) / max(count, 1)
    return LEFT + index * slot + slot / 2


def _y(value: float, top_value: float) -> float:
    return BOTTOM - (BOTTOM - TOP) * value / top_value


def _x_labels(days: Sequence[dt.date]) -> list[XLabel]:
    last = len(days) - 1
    return [
        XLabel(x=_r(_x(index, len(days))), label=dateformat.format(day, "j M"))
        for index, day in enumerate(days)
        if (last - index) % LABEL_EVERY == 0
    ]


def _r(value: float) -> float:
    return round(value, 1)
