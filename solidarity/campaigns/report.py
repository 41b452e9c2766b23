"""The organiser's report on a Thunderclap: figures, a lateness plot, a CSV. Plain functions.

The plot is an SVG drawn here, not by a charting library: the admin page may load nothing
from elsewhere and runs under a strict Content-Security-Policy, so it uses presentation
attributes only (no inline style, no script).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from solidarity.campaigns import selectors
from solidarity.campaigns.models import Campaign

# Text a spreadsheet would run as a formula (display names are typed by supporters).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Lateness:
    count: int
    p50: int | None
    p99: int | None
    max: int | None


def percentile(sorted_values: list[int], fraction: float) -> int:
    """The nearest-rank percentile: a value that was actually measured."""
    rank = max(math.ceil(fraction * len(sorted_values)), 1)
    return sorted_values[rank - 1]


def summarise(lateness_ms: list[int]) -> Lateness:
    values = sorted(lateness_ms)
    if not values:
        return Lateness(0, None, None, None)
    return Lateness(len(values), percentile(values, 0.5), percentile(values, 0.99), values[-1])


def histogram(values: list[int], bins: int = 20) -> tuple[list[int], float, float]:
    """Counts in `bins` equal-width bins from min(values) to max(values): (counts, low, width)."""
    low, high = min(values), max(values)
    width = max((high - low) / bins, 1.0)
    counts = [0] * bins
    for value in values:
        counts[min(int((value - low) / width), bins - 1)] += 1
    return counts, float(low), width


def format_ms(ms: float) -> str:
    return f"{ms / 1000:.2f} s" if abs(ms) >= 1000 else f"{ms:.0f} ms"


def lateness_svg(lateness_ms: list[int], width: int = 640, height: int = 240) -> SafeString:
    """A histogram of lateness after T (bars) with its cumulative share (a line)."""
    if not lateness_ms:
        return mark_safe("")
    values = sorted(lateness_ms)
    counts, low, bin_width = histogram(values)
    left, right, top, bottom = 48, 16, 12, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    tallest = max(counts)
    step = plot_w / len(counts)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" class="lateness-plot" '
        f'aria-label="{escape(_("Lateness after the moment"))}">',
        f"<title>{escape(_('Lateness after the moment'))}</title>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#444"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#444"/>',
    ]
    for index, count in enumerate(counts):
        bar_h = plot_h * count / tallest
        start = low + index * bin_width
        parts.append(
            f'<rect x="{left + index * step + 1:.1f}" y="{top + plot_h - bar_h:.1f}" '
            f'width="{max(step - 2, 1):.1f}" height="{bar_h:.1f}" fill="#5b8db8">'
            f"<title>{escape(format_ms(start))} – {escape(format_ms(start + bin_width))}: "
            f"{count}</title></rect>"
        )
    # The cumulative share: what fraction of posts had gone out by each lateness.
    points, cumulative = [], 0
    for index, count in enumerate(counts):
        cumulative += count
        x = left + (index + 1) * step
        y = top + plot_h * (1 - cumulative / len(values))
        points.append(f"{x:.1f},{y:.1f}")
    parts.append(
        f'<polyline points="{left},{top + plot_h} {" ".join(points)}" fill="none" '
        'stroke="#c0392b" stroke-width="2"/>'
    )
    labels = [
        (left, "start", format_ms(low)),
        (left + plot_w, "end", format_ms(low + bin_width * len(counts))),
    ]
    for x, anchor, text in labels:
        parts.append(
            f'<text x="{x}" y="{height - 14}" text-anchor="{anchor}" font-size="12">'
            f"{escape(text)}</text>"
        )
    parts.append(
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" font-size="12">{tallest}</text>'
    )
    parts.append(
        f'<text x="{left + plot_w / 2:.0f}" y="{height - 2}" text-anchor="middle" '
        f'font-size="12">{escape(_("after the moment (bars: posts; line: share posted)"))}'
        "</text>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


@dataclass
class Report:
    campaign: Campaign
    pledges: dict[str, int]
    deliveries: dict[str, int]
    reach: int
    failures: list[tuple[str, str, int]]
    lateness: Lateness
    plot: SafeString = field(default_factory=lambda: mark_safe(""))
    reach_unknown: int = 0  # accounts that posted, left out of `reach`: followers not known
    without_image: int = 0  # posted with the text alone: the image upload was refused

    @property
    def sending(self) -> bool:
        return self.campaign.state == Campaign.State.SENDING

    @property
    def before_moment(self) -> bool:
        return self.campaign.state in (
            Campaign.State.DRAFT,
            Campaign.State.OPEN,
            Campaign.State.ARMED,
        )

    @property
    def total_deliveries(self) -> int:
        return sum(self.deliveries.values())

    @property
    def settled_deliveries(self) -> int:
        """Deliveries with a final outcome: posted, failed or cancelled."""
        return sum(self.deliveries[state] for state in ("posted", "failed", "cancelled"))


def build(campaign: Campaign) -> Report:
    lateness = selectors.lateness_ms(campaign)
    return Report(
        campaign=campaign,
        pledges=selectors.pledge_counts(campaign),
        deliveries=selectors.delivery_counts(campaign),
        reach=selectors.reach(campaign),
        reach_unknown=selectors.reach_unknown(campaign),
        without_image=selectors.posted_without_image(campaign),
        failures=selectors.failures_by_reason(campaign),
        lateness=summarise(lateness),
        plot=lateness_svg(lateness),
    )


def spreadsheet_safe(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(rows: Iterable[dict[str, object]]) -> Iterable[str]:
    """The CSV, a line at a time, so a 10,000-row export streams."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=selectors.EXPORT_COLUMNS)
    writer.writeheader()
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow({key: spreadsheet_safe(value) for key, value in row.items()})
        yield buffer.getvalue()
