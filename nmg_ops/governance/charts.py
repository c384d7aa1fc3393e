"""Horizontal bar charts laid out on the server, drawn as inline SVG by templates/governance/_chart.html.

Each bar sits under its own label so that long organisation names keep the full width on a phone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _

from .composition import Composition

#: width of the drawing in user units; the SVG scales to its container
WIDTH = 400
#: room kept right of the longest bar for its count
VALUE_ROOM = 48
ROW_HEIGHT = 36
BAR_OFFSET = 19
BAR_HEIGHT = 12
#: a zero that matters still shows as a sliver, so the gap is visible and not only read
MISSING_STUB = 3
MAX_LABEL_CHARS = 54


@dataclass(frozen=True)
class Row:
    label: str
    value: int
    #: highlighted as a gap the group should fill
    is_missing: bool = False


@dataclass(frozen=True)
class PlacedBar:
    label: str
    #: the label cut to fit; the full one is in the bar's tooltip
    short_label: str
    value: int
    is_missing: bool
    y: int
    bar_y: int
    width: float

    @property
    def value_x(self) -> float:
        return self.width + 6


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[PlacedBar]
    width: int
    height: int
    bar_height: int


def _shorten(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1].rstrip() + "…"


def bar_chart(title: str, rows: Iterable[Row]) -> BarChart:
    """Lay out one bar per row, lengths proportional to the values, the largest filling the width."""
    rows = list(rows)
    largest = max((row.value for row in rows), default=0)
    scale = (WIDTH - VALUE_ROOM) / largest if largest else 0
    bars = []
    for index, row in enumerate(rows):
        width = row.value * scale
        if row.is_missing and width < MISSING_STUB:
            width = MISSING_STUB
        y = index * ROW_HEIGHT
        bars.append(
            PlacedBar(
                label=row.label,
                short_label=_shorten(row.label),
                value=row.value,
                is_missing=row.is_missing,
                y=y,
                bar_y=y + BAR_OFFSET,
                width=round(width, 1),
            )
        )
    return BarChart(title=title, bars=bars, width=WIDTH, height=len(rows) * ROW_HEIGHT, bar_height=BAR_HEIGHT)


def composition_charts(composition: Composition) -> dict[str, BarChart]:
    """One chart per table of the composition dashboard, keyed by section."""
    return {
        "stakeholder_types": bar_chart(
            _("Members by stakeholder type"),
            (Row(kind.label, n, n == 0) for kind, n in composition.by_stakeholder_type.items()),
        ),
        "gender": bar_chart(
            _("Members by gender"),
            (
                Row(gender.label if gender is not None else _("Not given"), n)
                for gender, n in composition.by_gender.items()
            ),
        ),
        "regions": bar_chart(
            _("Members by region"),
            (
                Row(region if region is not None else _("National / no region"), n)
                for region, n in composition.by_region
            ),
        ),
        "working_groups": bar_chart(
            _("Members by working group"),
            (
                Row(group.display_name, group.count, group.count == 0)
                for group in composition.by_working_group
            ),
        ),
        "organisations": bar_chart(
            _("Members by organisation"),
            (Row(org.name, org.count) for org in composition.by_organisation),
        ),
    }
