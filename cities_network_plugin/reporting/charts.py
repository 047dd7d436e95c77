"""
Charts for the network report, drawn as SVG on the server: the admin needs no JavaScript build, and the charts
print and show with scripts blocked.

Accessibility: each chart is an ``<svg role="img">`` labelled by its ``<title>`` and ``<desc>`` (the desc says
in words what the chart shows); the table beside it on the page holds the same figures. Bar colours have at
least 3:1 contrast with the white background (WCAG 1.4.11, graphics) and stacked segments are separated by a
white line; texts are dark on white. Every text is escaped, so a city called ``<b>&Co`` stays text. The output
is deterministic (ids from the caller, fixed number formatting), so tests and caches can compare it.
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import labels
from .api import NetworkReport

# Each at least 3:1 against white; neighbours differ in hue and lightness.
PALETTE = ("#1f5fa8", "#b4530c", "#1e7b34", "#a51c30", "#6a3d9a", "#00727a",
           "#8a6100", "#c0267a", "#0d3b66", "#7a4e2d", "#4d7a00", "#d1004f")
OTHERS_COLOUR = "#5f6b76"
TEXT = "#1f2933"
GRID = "#d0d5da"
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="12"'
LABEL_LINES = 3  # lines of a category label under a column
MAX_SERIES = 12  # twelve series; beyond that, eleven and "Others"
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def _num(value: float) -> str:
    """Coordinates with one decimal at most, the same text on every run."""
    return f"{value:.1f}".removesuffix(".0")


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _text(x: float, y: float, content: str, anchor: str = "start", extra: str = "") -> str:
    return (f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}" fill="{TEXT}"{extra}>'
            f"{escape(content)}</text>")


def _ticks(maximum: int) -> list[int]:
    """Round axis steps (1, 2 or 5 times a power of ten), about four of them, whole numbers."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(1, int(step))
    top = math.ceil(maximum / step) * step
    return list(range(0, top + 1, step))


def _svg(chart_id: str, title: str, description: str, width: float, height: float, body: list[str]) -> SafeString:
    if not _ID.match(chart_id):
        raise ValueError(f"A chart id is a letter then letters, digits, - or _; not {chart_id!r}.")
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_num(width)} {_num(height)}" '
        f'width="{_num(width)}" height="{_num(height)}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" id="{chart_id}" class="cities-network-chart" '
        f"{FONT}>"
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every text above went through escape()


def _no_data(width: float, top: float, height: float) -> list[str]:
    return [_text(width / 2, top + height / 2, _("No data for these filters"), "middle")]


def horizontal_bar_chart(chart_id: str, title: str, description: str, labels: Sequence[str],
                         values: Sequence[int], value_label: str) -> SafeString:
    """One bar per label, left to right; for long labels such as city or badge names."""
    labels = [str(label) for label in labels]
    label_width = min(max([len(label) for label in labels] + [8]) * 7 + 12, 230)
    bar_height, gap, top, plot_width = 22, 8, 10, 420
    plot_height = max(len(labels), 1) * (bar_height + gap)
    width, height = label_width + plot_width + 60, top + plot_height + 50
    ticks = _ticks(max(values, default=0))
    scale = plot_width / ticks[-1]
    body = []
    for tick in ticks:
        x = label_width + tick * scale
        body.append(f'<line x1="{_num(x)}" y1="{top}" x2="{_num(x)}" y2="{_num(top + plot_height)}" '
                    f'stroke="{GRID}"/>')
        body.append(_text(x, top + plot_height + 16, str(tick), "middle"))
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + index * (bar_height + gap) + gap / 2
        body.append(f"<g><title>{escape(label)}: {value}</title>")
        body.append(_text(label_width - 8, y + bar_height / 2 + 4, _short(label, (label_width - 12) // 7), "end"))
        body.append(f'<rect x="{label_width}" y="{_num(y)}" width="{_num(value * scale)}" height="{bar_height}" '
                    f'fill="{PALETTE[0]}"/>')
        body.append(_text(label_width + value * scale + 4, y + bar_height / 2 + 4, str(value)) + "</g>")
    if not labels:
        body += _no_data(label_width + plot_width / 2, top, plot_height)
    body.append(f'<line x1="{label_width}" y1="{top}" x2="{label_width}" y2="{_num(top + plot_height)}" '
                f'stroke="{TEXT}"/>')
    body.append(_text(label_width + plot_width / 2, height - 8, value_label, "middle"))
    return _svg(chart_id, title, description, width, height, body)


def _wrap(label: str, chars: int) -> list[str]:
    """Words on up to ``LABEL_LINES`` lines of ``chars`` characters; what does not fit ends in an ellipsis."""
    lines = [""]
    for word in label.split():
        candidate = f"{lines[-1]} {word}".strip()
        if len(candidate) <= chars or not lines[-1]:
            lines[-1] = candidate
        else:
            lines.append(word)
    if len(lines) > LABEL_LINES:
        lines = lines[: LABEL_LINES - 1] + [" ".join(lines[LABEL_LINES - 1:]) + " …"]
    return [_short(line, chars) for line in lines]


def _category_labels(categories: Sequence[str], left: float, slot: float, baseline: float) -> list[str]:
    """Labels under the columns, wrapped, and thinned out (every n-th) when there are too many to fit."""
    every = max(1, math.ceil(56 / slot))
    chars = max(4, int(slot * every / 7.5) - 1)
    out = []
    for index, label in enumerate(categories):
        if index % every:
            continue
        x = left + (index + 0.5) * slot
        for line_no, line in enumerate(_wrap(label, chars)):
            out.append(_text(x, baseline + 14 * line_no, line, "middle"))
    return out


def _fits(value: int, slot: float) -> bool:
    """Whether a value label fits above a column without touching its neighbours' labels."""
    return len(str(value)) * 7 + 6 <= slot


def _columns(categories: Sequence[str], totals: Sequence[int], axis_label: str, category_label: str,
             top: float = 30) -> tuple[list[str], float, float, float, float, float]:
    """The frame shared by vertical charts: grid, value axis, labels. Returns the body and the geometry."""
    left, plot_height = 56, 220
    slot = min(110, max(24, 720 / max(len(categories), 1)))
    plot_width = max(slot * len(categories), 300)
    ticks = _ticks(max(totals, default=0))
    scale = plot_height / ticks[-1]
    bottom = top + plot_height
    body = []
    for tick in ticks:
        y = bottom - tick * scale
        body.append(f'<line x1="{left}" y1="{_num(y)}" x2="{_num(left + plot_width)}" y2="{_num(y)}" '
                    f'stroke="{GRID}"/>')
        body.append(_text(left - 6, y + 4, str(tick), "end"))
    body.append(f'<line x1="{left}" y1="{_num(bottom)}" x2="{_num(left + plot_width)}" y2="{_num(bottom)}" '
                f'stroke="{TEXT}"/>')
    body += _category_labels(categories, left, slot, bottom + 16)
    body.append(_text(left + plot_width / 2, bottom + 16 + 14 * LABEL_LINES + 8, category_label, "middle"))
    body.append(_text(14, top + plot_height / 2, axis_label, "middle",
                      f' transform="rotate(-90 14 {_num(top + plot_height / 2)})"'))
    if not categories or not any(totals):
        body += _no_data(left + plot_width / 2, top, plot_height)
    return body, left, slot, bottom, scale, plot_width


def vertical_bar_chart(chart_id: str, title: str, description: str, labels: Sequence[str],
                       values: Sequence[int], value_label: str, category_label: str) -> SafeString:
    """One column per label; for a few short categories such as the stages of the journey."""
    labels = [str(label) for label in labels]
    body, left, slot, bottom, scale, plot_width = _columns(labels, values, value_label, category_label)
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + index * slot + slot * 0.15
        body.append(f"<g><title>{escape(label)}: {value}</title>")
        body.append(f'<rect x="{_num(x)}" y="{_num(bottom - value * scale)}" width="{_num(slot * 0.7)}" '
                    f'height="{_num(value * scale)}" fill="{PALETTE[0]}"/>')
        if _fits(value, slot):
            body.append(_text(x + slot * 0.35, bottom - value * scale - 5, str(value), "middle"))
        body.append("</g>")
    return _svg(chart_id, title, description, left + plot_width + 20, bottom + 16 + 14 * LABEL_LINES + 20, body)


def fold_series(series: Sequence[tuple[str, Sequence[int]]], limit: int = MAX_SERIES, others: str | None = None,
                rank: bool = True) -> list[tuple[str, list[int]]]:
    """
    At most ``limit`` series: beyond that, keep the ``limit - 1`` largest (by total, then name) and add the rest
    up as ``others``. ``rank`` also orders the series largest first; otherwise they keep the caller's order.
    """
    ranked = sorted(series, key=lambda item: (-sum(item[1]), item[0])) if rank else list(series)
    if len(ranked) <= limit:
        return [(name, list(values)) for name, values in ranked]
    kept, rest = ranked[: limit - 1], ranked[limit - 1:]
    summed = [sum(values) for values in zip(*(values for _name, values in rest), strict=True)]
    return [(name, list(values)) for name, values in kept] + [(others or _("Others"), summed)]


def stacked_bar_chart(chart_id: str, title: str, description: str, categories: Sequence[str],
                      series: Sequence[tuple[str, Sequence[int]]], value_label: str, category_label: str,
                      max_series: int = MAX_SERIES, rank: bool = True) -> SafeString:
    """
    Columns of stacked segments, one colour per series (up to twelve; beyond, the largest eleven and "Others"),
    with a legend; e.g. awards per month, one series per city. ``rank`` puts the largest series first.
    """
    if not 1 <= max_series <= len(PALETTE):
        raise ValueError(f"max_series is between 1 and {len(PALETTE)}.")
    categories = [str(category) for category in categories]
    folded = fold_series(series, max_series, rank=rank)
    folds = len(series) > max_series
    colours = [OTHERS_COLOUR if folds and index == len(folded) - 1 else PALETTE[index] for index in range(len(folded))]
    totals = [sum(values[i] for _name, values in folded) for i in range(len(categories))]
    body, left, slot, bottom, scale, plot_width = _columns(categories, totals, value_label, category_label)
    for i, category in enumerate(categories):
        x, y = left + i * slot + slot * 0.15, bottom
        body.append(f"<g><title>{escape(category)}: {totals[i]}</title>")
        for (name, values), colour in zip(folded, colours, strict=True):
            if values[i]:
                height = values[i] * scale
                y -= height
                body.append(f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(slot * 0.7)}" height="{_num(height)}" '
                            f'fill="{colour}" stroke="#ffffff" stroke-width="1">'
                            f"<title>{escape(name)}, {escape(category)}: {values[i]}</title></rect>")
        if totals[i] and _fits(totals[i], slot):
            body.append(_text(x + slot * 0.35, y - 5, str(totals[i]), "middle"))
        body.append("</g>")
    legend_top, per_row = bottom + 16 + 14 * LABEL_LINES + 26, max(1, int(plot_width // 150))
    for index, ((name, _values), colour) in enumerate(zip(folded, colours, strict=True)):
        x = left + (index % per_row) * 150
        y = legend_top + (index // per_row) * 20
        body.append(f'<g><title>{escape(name)}</title><rect x="{_num(x)}" y="{_num(y)}" width="12" height="12" '
                    f'fill="{colour}"/>{_text(x + 17, y + 10, _short(name, 18))}</g>')
    legend_rows = math.ceil(len(folded) / per_row)
    return _svg(chart_id, title, description, left + plot_width + 20, legend_top + 20 * legend_rows + 6, body)


def _months(first: str, last: str) -> list[str]:
    """Every "YYYY-MM" from ``first`` to ``last``, so that empty months show as gaps."""
    year, month = map(int, first.split("-"))
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _awards_chart(report: NetworkReport) -> SafeString:
    rows = report.awards_per_month.rows
    filters = report.filters
    seen = sorted({month for month, *_rest in rows})
    first = f"{filters.date_from:%Y-%m}" if filters.date_from else (seen[0] if seen else "")
    last = f"{filters.date_to:%Y-%m}" if filters.date_to else (seen[-1] if seen else "")
    months = _months(first, last) if first and last else []
    names = {slug: name for slug, name, _count in report.learners_reached.rows}
    by_city: dict[str, list[int]] = {}
    for month, slug, awards, _revoked in rows:
        by_city.setdefault(names.get(slug, slug), [0] * len(months))[months.index(month)] += awards
    total = sum(awards for *_rest, awards, _revoked in rows)
    # The English text is the same for one badge; the Lithuanian one is not.
    description = (ngettext("%(total)d badges awarded from %(first)s to %(last)s, per month, stacked by issuing city.",
                            "%(total)d badges awarded from %(first)s to %(last)s, per month, stacked by issuing city.",
                            total) % {"total": total, "first": months[0], "last": months[-1]}
                   if months else _("No badges awarded."))
    return stacked_bar_chart("chart-awards-per-month", labels.title(report.awards_per_month), description, months,
                             list(by_city.items()), _("Awards"), _("Month (UTC)"))


def report_charts(report: NetworkReport) -> dict[str, SafeString]:
    """A chart for each table of the report, keyed by the table's name."""
    stages = report.cities_per_stage
    stage_labels = [labels.cell(title) if number is None else f"{number}. {title}" for number, title, _count in
                    stages.rows]
    stage_counts = [count for *_rest, count in stages.rows]
    learners = report.learners_reached
    kinds = report.opportunities_by_kind
    badges = report.top_badges
    return {
        "cities_per_stage": vertical_bar_chart(
            "chart-cities-per-stage", labels.title(stages),
            _("Cities at each onboarding stage: %(counts)s.") % {"counts": "; ".join(
                f"{label}: {count}" for label, count in zip(stage_labels, stage_counts, strict=True))},
            stage_labels, stage_counts, _("Cities"), _("Onboarding stage")),
        "awards_per_month": _awards_chart(report),
        "learners_reached": horizontal_bar_chart(
            "chart-learners-reached", labels.title(learners),
            _("Distinct learners reached by each city; %(total)d across the network, each learner counted once.")
            % {"total": report.learners_total},
            [name for _slug, name, _count in learners.rows], [count for *_rest, count in learners.rows],
            _("Learners")),
        "opportunities_by_kind": stacked_bar_chart(
            "chart-opportunities-by-kind", labels.title(kinds),
            _("Published and draft learning opportunities by kind: %(counts)s.") % {"counts": "; ".join(
                _("%(kind)s: %(published)d published, %(draft)d draft")
                % {"kind": label, "published": published, "draft": draft}
                for _kind, label, published, draft in kinds.rows)},
            [label for _kind, label, _published, _draft in kinds.rows],
            [(_("Published"), [row[2] for row in kinds.rows]), (_("Draft"), [row[3] for row in kinds.rows])],
            _("Opportunities"), _("Kind"), rank=False),
        "top_badges": horizontal_bar_chart(
            "chart-top-badges", labels.title(badges),
            _("The most awarded badges: %(badges)s.") % {"badges": "; ".join(
                f"{name} ({issuer}): {count}" for name, issuer, count in badges.rows) or _("none")},
            [name for name, _issuer, _count in badges.rows], [count for *_rest, count in badges.rows], _("Awards")),
    }
