"""Small accessible SVG bar charts, drawn here so that a report needs no script and no network.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and ``<desc>``;
every bar carries its value as text (colour is never the only cue) and its own
``<title>`` for a tooltip. The report shows the same numbers in a table beside
the chart, which is the text alternative.
"""

from __future__ import annotations

from html import escape
from itertools import count

_ids = count(1)

BAR_HEIGHT = 18
GAP = 8
LABEL_WIDTH = 190
VALUE_WIDTH = 70


def bar_chart(
    title: str,
    description: str,
    bars: list[tuple[str, float]],
    *,
    width: int = 560,
    maximum: float | None = None,
    unit: str = "",
    colour: str = "#1f5f99",
) -> str:
    """A horizontal bar chart as SVG markup (already escaped: safe to embed as is)."""
    chart_id = f"chart-{next(_ids)}"
    top = max((v for _l, v in bars), default=0) if maximum is None else maximum
    scale = (width - LABEL_WIDTH - VALUE_WIDTH) / top if top else 0
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for row, (label, value) in enumerate(bars):
        y = GAP + row * (BAR_HEIGHT + GAP)
        length = max(value * scale, 0)
        shown = f"{value:g}{unit}"
        parts += [
            '<g class="bar">',
            f"<title>{escape(label)}: {escape(shown)}</title>",
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT - 4}" text-anchor="end">'
            f"{escape(label)}</text>",
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{colour}"/>',
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + BAR_HEIGHT - 4}">'
            f"{escape(shown)}</text>",
            "</g>",
        ]
    parts.append("</svg>")
    return "\n".join(parts)
