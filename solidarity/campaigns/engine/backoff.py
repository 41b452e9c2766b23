"""When to try again: exponential backoff with full jitter, never sooner than the server asks."""

import random
from datetime import datetime, timedelta

BASE_SECONDS = 1.0
CAP_SECONDS = 60.0


def next_attempt(
    now: datetime, attempts: int, retry_after: float | None = None, rng: random.Random | None = None
) -> datetime:
    rng = rng or random.Random()  # noqa: S311  (jitter, not security)
    ceiling = min(CAP_SECONDS, BASE_SECONDS * 2 ** max(attempts - 1, 0))
    delay = rng.uniform(0, ceiling)
    if retry_after is not None:
        # The server's own hint wins, with a little jitter so a crowd does not return at once.
        delay = max(delay, retry_after + rng.uniform(0, min(1.0, retry_after * 0.1 + 0.1)))
    return now + timedelta(seconds=delay)
