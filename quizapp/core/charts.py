"""A small server-rendered SVG line chart, so pages need no chart library or CDN.

Written by hand because the chart is one polyline with axes; a plotting
library would add a heavy dependency for a few dozen lines of markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from .bar_chart import CHART_WIDTH


def score_chart_svg(points: Sequence[tuple[str, float]], title: str, width: int = CHART_WIDTH,
                    height: int = 220) -> str:
    """A line chart of percentages (0-100) over time; ``points`` are (label, percent) in order.

    The first and last labels are anchored at their ends, so they stay inside the drawing.
    """
    left, right, top, bottom = 44, 12, 14, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    desc = "; ".join(f"{label}: {value:.0f}%" for label, value in points) or "No finished quizzes yet."
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-title chart-desc" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{escape(title)}</title><desc id="chart-desc">{escape(desc)}</desc>',
    ]
    for pct in (0, 25, 50, 75, 100):
        y = top + plot_h * (1 - pct / 100)
        parts.append(f'<line class="grid" x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="axis" x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{pct}%</text>')
    if points:
        step = plot_w / max(len(points) - 1, 1)
        coords = [(left + i * step if len(points) > 1 else left + plot_w / 2,
                   top + plot_h * (1 - max(0.0, min(100.0, v)) / 100)) for i, (_, v) in enumerate(points)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline class="line" points="{path}"/>')
        for (x, y), (label, value) in zip(coords, points, strict=True):
            parts.append(f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="4"><title>{escape(label)}: '
                         f'{value:.0f}%</title></circle>')
        ends = [(0, "start"), (len(points) - 1, "end")] if len(points) > 1 else [(0, "middle")]
        for i, anchor in ends:
            x = coords[i][0] - 4 if anchor == "start" else coords[i][0] + 4 if anchor == "end" else coords[i][0]
            parts.append(f'<text class="axis" x="{x:.1f}" y="{height - 10}" text-anchor="{anchor}">'
                         f'{escape(points[i][0])}</text>')
    parts.append("</svg>")
    return "".join(parts)
