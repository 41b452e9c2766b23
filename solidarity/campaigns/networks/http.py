"""Classifying HTTP answers the same way for every network."""

from __future__ import annotations

import asyncio
import email.utils
import time

import aiohttp

from solidarity.campaigns.networks.base import Outcome, Result


class RefusedDestination(aiohttp.ClientConnectionError):
    """A request (or a redirect hop) to an address that is not public: it was never sent."""


# Errors where the request may have reached the server: the outcome is unknown.
UNCERTAIN_ERRORS = (
    asyncio.TimeoutError,
    aiohttp.ServerDisconnectedError,
    aiohttp.ClientOSError,
    aiohttp.ClientPayloadError,
    aiohttp.ServerTimeoutError,
)
# Errors before anything was sent: certainly not created.
UNSENT_ERRORS = (aiohttp.ClientConnectorError,)


def retry_delay(headers, now: float | None = None) -> float | None:
    """Seconds to wait, from Retry-After, RateLimit-Reset or X-RateLimit-Reset."""
    now = time.time() if now is None else now
    value = headers.get("Retry-After")
    if value:
        if value.strip().isdigit():
            return float(value)
        parsed = email.utils.parsedate_to_datetime(value)
        if parsed is not None:
            return max(parsed.timestamp() - now, 0.0)
    value = headers.get("RateLimit-Reset")
    if value and value.strip().isdigit():
        seconds = float(value)
        # draft-ietf-httpapi-ratelimit-headers gives seconds; Bluesky sends an epoch.
        return max(seconds - now, 0.0) if seconds > 10**9 else seconds
    value = headers.get("X-RateLimit-Reset")
    if value:
        if value.strip().isdigit():
            return max(float(value) - now, 0.0)
        try:
            return max(email.utils.parsedate_to_datetime(value).timestamp() - now, 0.0)
        except (TypeError, ValueError):
            from datetime import datetime

            try:
                return max(datetime.fromisoformat(value).timestamp() - now, 0.0)
            except ValueError:
                return None
    return None


def classify_status(status: int, headers, reason: str) -> Result:
    """Anything but 2xx: 429 and 503-with-Retry-After are retryable; 5xx unknown; 4xx final."""
    if status == 429:
        return Result(
            Outcome.RETRY, reason=f"HTTP 429 {reason}".strip(), retry_after=retry_delay(headers)
        )
    if status in (408, 425) or status >= 500:
        return Result(
            Outcome.UNKNOWN,
            reason=f"HTTP {status} {reason}".strip(),
            retry_after=retry_delay(headers),
        )
    return Result(Outcome.FAILED, reason=f"HTTP {status} {reason}".strip()[:200])


def classify_exception(error: BaseException) -> Result:
    if isinstance(error, RefusedDestination):  # redirected to a private address: never again
        return Result(Outcome.FAILED, reason=f"refused: {error}"[:200])
    if isinstance(error, UNSENT_ERRORS):
        return Result(Outcome.RETRY, reason=f"cannot connect: {type(error).__name__}")
    if isinstance(error, asyncio.TimeoutError):
        return Result(Outcome.UNKNOWN, reason="timeout")
    return Result(Outcome.UNKNOWN, reason=f"connection: {type(error).__name__}")
