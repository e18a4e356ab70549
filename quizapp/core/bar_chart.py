"""A small server-rendered, accessible SVG bar chart (no chart library, no inline styles).

Markup uses the classes ``chart``, ``grid``, ``axis`` (as :mod:`quizapp.core.charts`) and ``bar``; style them in
CSS, e.g. ``.chart .bar { fill: var(--accent); }``.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Sequence
from html import escape

# A narrow drawing (in SVG user units) so that, scaled down to a 390 px phone, the CSS font sizes of static/style.css
# still give labels of at least 11 px; the CSS caps the chart's width on wider screens.
CHART_WIDTH = 400


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def nice_ticks(top: float, whole: bool) -> list[float]:
    """Gridline values from 0 up to at least ``top`` in 1, 2 or 5 times a power of ten, about four steps.

    With ``whole`` (counts of cards or reviews) every step is a whole number, so the axis never reads "1.5".
    """
    if not math.isfinite(top) or top < 1e-9:  # nothing to show (or float dust): a plain 0-1 axis
        return [0.0, 1.0]
    raw = top / 4
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    if whole:
        step = max(1.0, float(math.ceil(step)))
    count = max(1, math.ceil(top / step - 1e-9))
    digits = max(0, 1 - math.floor(math.log10(step)))  # enough to drop float noise such as 0.6000000000000001
    return [round(i * step, digits) for i in range(count + 1)]


def _chart_id(title: str, bars: Sequence[tuple[str, float]]) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:32] or "chart"
    digest = zlib.crc32(repr((title, list(bars))).encode("utf-8"))
    return f"bar-{slug}-{digest:08x}"


def bar_chart_svg(
    bars: Sequence[tuple[str, float]],
    title: str,
    unit: str = "",
    *,
    width: int = CHART_WIDTH,
    height: int = 200,
    chart_id: str | None = None,
) -> str:
    """A bar chart of ``(label, value)`` pairs in order; negative values are drawn as 0.

    Accessible: ``role="img"`` labelled by a ``<title>`` and a ``<desc>`` that lists every value; each bar has
    its own ``<title>`` tooltip. About every 5th bar is labelled on the x axis (all of them when there are few).
    ``chart_id`` prefixes the element ids (derived from the title and data when not given), so several charts
    can share a page.
    """
    cid = escape(chart_id or _chart_id(title, bars))
    suffix = f" {unit}" if unit else ""
    left, right, top, bottom = 36, 8, 14, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [max(0.0, float(v)) if math.isfinite(v) else 0.0 for _, v in bars]
    desc = "; ".join(f"{label}: {_fmt(v)}{suffix}" for (label, _), v in zip(bars, values, strict=True)) or "No data."
    parts = [
        f'<svg class="chart bar-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{cid}-title">{escape(title)}</title><desc id="{cid}-desc">{escape(desc)}</desc>',
    ]
    ticks = nice_ticks(max(values, default=0.0), whole=all(v.is_integer() for v in values))
    scale_max = ticks[-1]
    for tick in ticks:
        y = top + plot_h * (1 - tick / scale_max)
        parts.append(f'<line class="grid" x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="axis" x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{_fmt(tick)}</text>')
    if bars:
        slot = plot_w / len(bars)
        bar_w = max(1.0, slot * 0.8)
        label_every = 1 if len(bars) <= 8 else 5 if len(bars) <= 45 else math.ceil(len(bars) / 8)
        for i, ((label, _), value) in enumerate(zip(bars, values, strict=True)):
            x = left + i * slot + (slot - bar_w) / 2
            h = plot_h * value / scale_max
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}">'
                f"<title>{escape(label)}: {escape(_fmt(value) + suffix)}</title></rect>"
            )
            if i % label_every == 0:
                parts.append(
                    f'<text class="axis" x="{left + (i + 0.5) * slot:.1f}" y="{height - 10}" '
                    f'text-anchor="middle">{escape(label)}</text>'
                )
    parts.append("</svg>")
    return "".join(parts)
