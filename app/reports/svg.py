"""Small SVG charts for the management pack's PDF (WeasyPrint draws inline SVG natively).

Hand-written rather than a plotting library: a line and a bar chart of twelve points need a few dozen
lines, render identically everywhere, and keep the PDF's text selectable.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT = 520, 180
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 22, 30


def _scale(values: Sequence[float | None]) -> tuple[float, float]:
    present = [v for v in values if v is not None]
    low = min([0.0, *present])
    high = max([1.0, *present])
    if high == low:
        high = low + 1
    return low, high


def chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    kind: str = "line",
    colour: str = "#1f4e79",
) -> str:
    """An SVG line (``kind="line"``) or bar chart of ``values`` at ``labels``; a None value is a gap."""
    low, high = _scale(values)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(values), 1)

    def y(v: float) -> float:
        return TOP + plot_h - (v - low) / (high - low) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" class="chart" role="img" aria-label="{escape(title)}">',
        f'<text x="{LEFT}" y="14" font-size="11" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{LEFT}" y1="{y(low):.1f}" x2="{WIDTH - RIGHT}" y2="{y(low):.1f}" stroke="#999"/>',
    ]
    for tick in (low, (low + high) / 2, high):
        parts.append(
            f'<text x="{LEFT - 4}" y="{y(tick) + 3:.1f}" font-size="8" text-anchor="end">{tick:,.1f}</text>'
        )
    for n, label in enumerate(labels):
        cx = LEFT + step * (n + 0.5)
        parts.append(
            f'<text x="{cx:.1f}" y="{HEIGHT - 12}" font-size="8" text-anchor="middle">{escape(label)}</text>'
        )
    if kind == "bar":
        for n, v in enumerate(values):
            if v is None:
                continue
            top, bottom = sorted((y(v), y(0)))
            x = LEFT + step * n + step * 0.15
            parts.append(
                f'<rect x="{x:.1f}" y="{top:.1f}" width="{step * 0.7:.1f}" height="{bottom - top:.1f}" '
                f'fill="{colour}"/>'
            )
    else:
        segment: list[str] = []
        for n, v in enumerate([*values, None]):
            if v is None:
                if len(segment) > 1:
                    parts.append(
                        f'<polyline points="{" ".join(segment)}" fill="none" stroke="{colour}" stroke-width="2"/>'
                    )
                segment = []
                continue
            cx = LEFT + step * (n + 0.5)
            segment.append(f"{cx:.1f},{y(v):.1f}")
            parts.append(f'<circle cx="{cx:.1f}" cy="{y(v):.1f}" r="2.5" fill="{colour}"/>')
    parts.append("</svg>")
    return "".join(parts)
