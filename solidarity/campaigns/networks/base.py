"""The one small interface every network adapter implements.

An adapter turns a prepared delivery into an HTTP request and the answer into an Outcome.
It never touches the database: the engine owns state, so one adapter serves the built-in
worker, a Celery worker and the benchmark alike. A new network is a folder beside
`mastodon/` and `bluesky/` with a module exposing `ADAPTER` (see CONTRIBUTING.md).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import aiohttp


class MediaRefused(Exception):
    """The network would not store the image; the post goes out with the text alone."""


class Outcome(enum.StrEnum):
    POSTED = "posted"  # the network holds the post
    FAILED = "failed"  # permanent: retrying cannot help (revoked token, rejected text)
    UNKNOWN = "unknown"  # it may or may not exist: reconcile before any retry
    RETRY = "retry"  # certainly not created (e.g. 429): retry after the delay
    CANCELLED = "cancelled"  # not sent: the organiser cancelled first


@dataclass(frozen=True)
class Account:
    """What the engine knows about the account it posts from (secrets decrypted)."""

    server: str  # base URL, e.g. https://mastodon.example or http://127.0.0.1:2583
    account_id: str
    access_token: str
    refresh_token: str = ""
    client_id: str = ""  # the app registered on that server, needed to revoke
    client_secret: str = ""
    email: str = ""  # closed networks: where the reminder goes
    dpop_private_key: str = ""  # Bluesky OAuth: the PEM key its tokens are bound to


@dataclass(frozen=True)
class Post:
    delivery_id: int
    text: str
    language: str
    idempotency_key: str
    record_key: str
    not_before: datetime  # the moment; a post found earlier than this is not ours
    # The request body, encoded once before T by the adapter's optional `encode` (see
    # Adapter): at T a request only copies bytes. Empty: the adapter encodes as it sends.
    body: bytes = b""
    content_type: str = ""
    # The campaign image as this account's server holds it (Delivery.media), or empty.
    media: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Image:
    """The campaign image, read once, uploaded to each account's server before the moment."""

    data: bytes
    content_type: str
    alt: str
    width: int
    height: int


@dataclass
class Result:
    outcome: Outcome
    remote_id: str = ""
    url: str = ""
    reason: str = ""
    retry_after: float | None = None  # seconds, from Retry-After or rate-limit headers
    posted_at: datetime | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class Reach:
    ok: bool
    followers: int | None = None
    reason: str = ""


class Adapter(Protocol):
    """Two optional hooks make the moment cheaper; the engine looks them up with getattr:

    - `encode(account, post) -> Post`: the post with `body`/`content_type` filled in,
      called once per delivery before T;
    - `warm_path`: a cheap GET without credentials (e.g. "/api/v1/instance") the engine
      sends before T to open the keep-alive connections it will post through.

    A third, `upload_media(http, account, image) -> dict`, stores the campaign image at the
    network minutes before T and returns the reference `publish` will find in `post.media`;
    it raises `MediaRefused` (or aiohttp's errors) when the image cannot be stored.
    """

    network: str

    async def publish(self, http: aiohttp.ClientSession, account: Account, post: Post) -> Result:
        """Create the post once. Must not raise for network trouble: return UNKNOWN."""

    async def find(
        self, http: aiohttp.ClientSession, account: Account, post: Post
    ) -> Result | None:
        """Look the post up after an unknown outcome: a POSTED Result, or None if absent."""

    async def verify(self, http: aiohttp.ClientSession, account: Account) -> Reach:
        """Check the access still works and count followers."""

    async def revoke(self, http: aiohttp.ClientSession, account: Account) -> None:
        """Give the access back at the network."""
