"""Small SVG charts drawn on the server: stacked columns and horizontal bars.

Each chart is an ``<svg role="img">`` with a title and a description; the page puts the same
numbers in a table beside it, so nothing is told by colour alone. Colours are the Okabe–Ito
palette, which people with the common colour-vision deficiencies can tell apart.
"""

from __future__ import annotations

from markupsafe import Markup, escape

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 5:
            return step * 5  # five grid lines at round numbers
    return value * 1.1


def _ticks(top: float, count: int = 5) -> list[float]:
    return [top * i / count for i in range(count + 1)]


def stacked_columns(
    title: str,
    description: str,
    categories: list[str],
    series: list[tuple[str, list[float]]],
    width: int = 620,
    height: int = 300,
) -> Markup:
    """Columns per category (weeks), stacked by series (villages), with a legend below."""
    left, right, top, bottom = 44, 12, 16, 70
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(values[i] for _, values in series) for i in range(len(categories))]
    top_value = _nice_max(max(totals, default=0))
    slot = plot_w / max(len(categories), 1)
    bar_w = slot * 0.62
    parts = [_open(width, height, title, description)]
    for tick in _ticks(top_value):
        y = top + plot_h - plot_h * tick / top_value
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" ')
        parts.append('stroke="#d0d0d0" stroke-width="1"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" {FONT}>'
            f"{tick:g}</text>"
        )
    for index, category in enumerate(categories):
        x = left + slot * index + (slot - bar_w) / 2
        base = top + plot_h
        for series_index, (name, values) in enumerate(series):
            value = values[index]
            if not value:
                continue
            h = plot_h * value / top_value
            base -= h
            colour = PALETTE[series_index % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{colour}" stroke="#fff" stroke-width="0.8">'
                f"<title>{escape(category)} · {escape(name)}: {value:g}</title></rect>"
            )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 15}" text-anchor="middle" '
            f'font-size="11" {FONT}>{escape(category)}</text>'
        )
    parts.append(_legend([name for name, _ in series], left, height - 30, width - left - right))
    parts.append("</svg>")
    return Markup("".join(parts))


def horizontal_bars(
    title: str,
    description: str,
    rows: list[tuple[str, float]],
    width: int = 620,
    bar_height: int = 26,
    unit: str = "",
    colour: str = PALETTE[0],
) -> Markup:
    label_w, right, top = 170, 60, 10
    height = top * 2 + bar_height * max(len(rows), 1)
    plot_w = width - label_w - right
    top_value = _nice_max(max((value for _, value in rows), default=0))
    parts = [_open(width, height, title, description)]
    for index, (label, value) in enumerate(rows):
        y = top + index * bar_height
        w = plot_w * value / top_value
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_height * 0.65:.1f}" text-anchor="end" '
            f'font-size="13" {FONT}>{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{bar_height - 8}" '
            f'fill="{colour}"><title>{escape(label)}: {value:g}{escape(unit)}</title></rect>'
        )
        parts.append(
            f'<text x="{label_w + w + 6:.1f}" y="{y + bar_height * 0.65:.1f}" font-size="13" '
            f"{FONT}>{value:g}{escape(unit)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _open(width: int, height: int, title: str, description: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" class="chart"><title>{escape(title)}</title>'
        f"<desc>{escape(description)}</desc>"
    )


def _legend(names: list[str], x: int, y: int, width: int) -> str:
    parts, cursor, row = [], x, 0
    for index, name in enumerate(names):
        item_w = 34 + 8.5 * len(name)
        if cursor + item_w > x + width:
            cursor, row = x, row + 1
        colour = PALETTE[index % len(PALETTE)]
        ly = y + row * 18
        parts.append(
            f'<rect x="{cursor:.1f}" y="{ly - 10}" width="12" height="12" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{cursor + 17:.1f}" y="{ly}" font-size="12" {FONT}>{escape(name)}</text>'
        )
        cursor += item_w
    return "".join(parts)
