"""The detention counter: calendar arithmetic, several episodes, local midnight."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.utils import translation

from solidarity.cases.counter import Span, format_span, local_today, span_between, total_span


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2011, 8, 4), date(2013, 8, 4), Span(2, 0, 0)),
        (date(2011, 8, 4), date(2013, 8, 3), Span(1, 11, 30)),
        (date(2011, 8, 4), date(2014, 6, 21), Span(2, 10, 17)),
        # Born of a leap day: the anniversary in a common year is 28 February.
        (date(2012, 2, 29), date(2013, 2, 27), Span(0, 11, 29)),
        (date(2012, 2, 29), date(2013, 2, 28), Span(1, 0, 0)),
        (date(2012, 2, 29), date(2013, 3, 1), Span(1, 0, 1)),
        (date(2012, 2, 29), date(2016, 2, 29), Span(4, 0, 0)),
        # A day spanning 29 February counts it.
        (date(2024, 2, 28), date(2024, 3, 1), Span(0, 0, 2)),
        (date(2023, 2, 28), date(2023, 3, 1), Span(0, 0, 1)),
        # Month ends: 31 January + 1 month is the last day of February.
        (date(2021, 1, 31), date(2021, 2, 28), Span(0, 1, 0)),
        (date(2021, 1, 31), date(2021, 3, 30), Span(0, 1, 30)),
        (date(2021, 1, 31), date(2021, 3, 31), Span(0, 2, 0)),
        (date(2021, 7, 14), date(2021, 7, 14), Span(0, 0, 0)),
        (date(2021, 7, 14), date(2020, 1, 1), Span(0, 0, 0)),
    ],
)
def test_span_between_counts_calendar_years_months_and_days(start, end, expected):
    assert span_between(start, end) == expected


def test_span_never_reads_the_same_on_two_consecutive_days():
    start = date(2012, 2, 29)
    seen = {span_between(start, date.fromordinal(start.toordinal() + n)) for n in range(3000)}
    assert len(seen) == 3000


def test_total_lays_episodes_end_to_end_from_the_first_arrest():
    episodes = [(date(2021, 7, 14), None), (date(2011, 8, 4), date(2014, 6, 21))]
    today = date(2026, 11, 25)
    # 1052 days in the first episode, 1960 in the second: 3012 days in all.
    first = (date(2014, 6, 21) - date(2011, 8, 4)).days
    second = (today - date(2021, 7, 14)).days
    assert (first, second) == (1052, 1960)
    assert total_span(episodes, today) == span_between(
        date(2011, 8, 4), date.fromordinal(date(2011, 8, 4).toordinal() + first + second)
    )
    assert total_span(episodes, today) == Span(8, 2, 29)


def test_total_ignores_a_release_in_the_future_and_an_empty_record():
    assert total_span([(date(2024, 1, 1), date(2030, 1, 1))], date(2025, 1, 1)) == Span(1, 0, 0)
    assert total_span([], date(2025, 1, 1)) == Span(0, 0, 0)


@pytest.mark.parametrize(
    ("utc_moment", "time_zone", "expected_day"),
    [
        # 22:30 UTC on 3 August is already 4 August in Minsk (UTC+3)...
        (datetime(2013, 8, 3, 22, 30, tzinfo=UTC), "Europe/Minsk", date(2013, 8, 4)),
        (datetime(2013, 8, 3, 20, 59, tzinfo=UTC), "Europe/Minsk", date(2013, 8, 3)),
        # ...and still 3 August in New York.
        (datetime(2013, 8, 4, 3, 59, tzinfo=UTC), "America/New_York", date(2013, 8, 3)),
        (datetime(2013, 8, 3, 10, 0, tzinfo=UTC), "Pacific/Kiritimati", date(2013, 8, 4)),
    ],
)
def test_today_is_the_local_date_of_the_case(utc_moment, time_zone, expected_day):
    assert local_today(time_zone, utc_moment) == expected_day


def test_anniversary_turns_over_at_local_midnight_not_utc():
    arrest = date(2011, 8, 4)
    with time_machine.travel(datetime(2013, 8, 3, 21, 1, tzinfo=UTC), tick=False):
        assert span_between(arrest, local_today("Europe/Minsk")) == Span(2, 0, 0)
        assert span_between(arrest, local_today("UTC")) == Span(1, 11, 30)


def test_english_plural_forms():
    with translation.override("en"):
        assert format_span(Span(1, 1, 1)) == "1 year, 1 month, 1 day"
        assert format_span(Span(2, 0, 11)) == "2 years, 0 months, 11 days"
