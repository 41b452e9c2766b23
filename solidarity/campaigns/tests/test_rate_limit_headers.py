"""How long a server asks us to wait: Retry-After, RateLimit-Reset and X-RateLimit-Reset."""

from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from solidarity.campaigns.networks.base import Outcome
from solidarity.campaigns.networks.http import classify_status, retry_delay

NOW = datetime(2026, 8, 4, 9, 0, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"Retry-After": format_datetime(datetime(2026, 8, 4, 9, 0, 30, tzinfo=UTC))}, 30.0),
        # draft-ietf-httpapi-ratelimit-headers: seconds from now
        ({"RateLimit-Reset": "12"}, 12.0),
        # Bluesky's PDS: a Unix time
        ({"RateLimit-Reset": str(int(NOW) + 45)}, 45.0),
        # Mastodon: an ISO 8601 time
        ({"X-RateLimit-Reset": "2026-08-04T09:05:00.000Z"}, 300.0),
        ({"X-RateLimit-Reset": str(int(NOW) + 60)}, 60.0),
        # Retry-After wins over the others
        ({"Retry-After": "3", "X-RateLimit-Reset": "2026-08-04T10:00:00Z"}, 3.0),
        # a reset already past means now, never a negative wait
        ({"X-RateLimit-Reset": "2026-08-04T08:59:00Z"}, 0.0),
        ({}, None),
        ({"X-RateLimit-Reset": "soon"}, None),
    ],
)
def test_the_wait_a_server_asks_for(headers, seconds):
    delay = retry_delay(headers, now=NOW)
    if seconds is None:
        assert delay is None
    else:
        assert delay == pytest.approx(seconds)


def test_429_is_retried_after_the_wait_5xx_is_unknown_and_4xx_is_final():
    limited = classify_status(429, {"RateLimit-Reset": "5"}, "Too Many Requests")
    assert (limited.outcome, limited.retry_after) == (Outcome.RETRY, 5.0)
    assert classify_status(503, {}, "Unavailable").outcome == Outcome.UNKNOWN
    assert classify_status(422, {}, "Unprocessable").outcome == Outcome.FAILED
