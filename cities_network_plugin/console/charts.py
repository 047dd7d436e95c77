"""
A small bar chart drawn on the server as inline SVG: no JavaScript, no chart library, nothing to load in
Studio, and the numbers stay readable to screen readers (the chart has a title and the page a table of the
same figures).
"""
from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 600, 180
TOP, BOTTOM, LEFT = 16, 28, 8


def bar_chart(points: list[tuple[str, int]], title: str, chart_id: str = "chart") -> SafeString:
    """An SVG bar chart of ``(label, value)`` points; every text is escaped."""
    if not points:
        return mark_safe("")  # noqa: S308 - an empty string
    peak = max(value for _, value in points) or 1
    slot = (WIDTH - 2 * LEFT) / len(points)
    bar = slot * 0.7
    plot = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title" focusable="false">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - LEFT}" y2="{HEIGHT - BOTTOM}" class="axis"/>',
    ]
    for index, (label, value) in enumerate(points):
        height = round(plot * value / peak, 1)
        x = round(LEFT + index * slot + (slot - bar) / 2, 1)
        y = round(HEIGHT - BOTTOM - height, 1)
        centre = round(x + bar / 2, 1)
        parts.append(f'<rect x="{x}" y="{y}" width="{round(bar, 1)}" height="{height}" class="bar">'
                     f'<title>{escape(label)}: {value}</title></rect>')
        if value:
            parts.append(f'<text x="{centre}" y="{y - 3}" text-anchor="middle" class="value">{value}</text>')
        parts.append(f'<text x="{centre}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" class="label">'
                     f'{escape(label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - built above from escaped text and numbers
