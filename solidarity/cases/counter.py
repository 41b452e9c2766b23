"""The "detained for N years, N months, N days" counter.

Days are counted in the case's own time zone, so the counter turns over at local midnight.
A whole month is counted when the same day of a later month is reached; where that month is
shorter the last day stands in (29 Feb 2012 + 1 year = 28 Feb 2013), so the count never jumps
back and every day between two anniversaries reads differently.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Span:
    years: int
    months: int
    days: int

    def __str__(self) -> str:
        return format_span(self)


def local_today(time_zone: str, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(time_zone)).date()


def span_between(start: date, end: date) -> Span:
    """Whole years, months and days from `start` to `end` (0 days if end <= start)."""
    if end <= start:
        return Span(0, 0, 0)
    months = (end.year - start.year) * 12 + end.month - start.month
    if start + relativedelta(months=months) > end:
        months -= 1
    days = (end - (start + relativedelta(months=months))).days
    return Span(months // 12, months % 12, days)


def detained_days(arrest: date, release: date | None, today: date) -> int:
    end = min(release, today) if release else today
    return max((end - arrest).days, 0)


def total_span(periods: Iterable[tuple[date, date | None]], today: date) -> Span:
    """All periods laid end to end from the first arrest, so months have their calendar length."""
    periods = sorted(periods)
    if not periods:
        return Span(0, 0, 0)
    total = sum(detained_days(arrest, release, today) for arrest, release in periods)
    first_arrest = periods[0][0]
    return span_between(first_arrest, first_arrest + timedelta(days=total))


def format_span(span: Span) -> str:
    parts = [
        ngettext("%(count)d year", "%(count)d years", span.years) % {"count": span.years},
        ngettext("%(count)d month", "%(count)d months", span.months) % {"count": span.months},
        ngettext("%(count)d day", "%(count)d days", span.days) % {"count": span.days},
    ]
    # Translators: joins "3 years", "2 months" and "5 days".
    return _(", ").join(parts)
