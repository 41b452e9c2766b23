"""Posting to any Mastodon-API server.

Exactly once: every request carries the delivery's Idempotency-Key, and because some servers
ignore it (or answer a same-key retry with HTTP 500 after creating the status), an unknown
outcome is settled by looking for the status on the account's own timeline before any retry.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import html
import json
from datetime import datetime, timedelta
from urllib.parse import urlencode

import aiohttp
import regex
from yarl import URL

from solidarity.campaigns.networks import http as classify
from solidarity.campaigns.networks.base import (
    Account,
    Image,
    MediaRefused,
    Outcome,
    Post,
    Reach,
    Result,
)

NETWORK = "mastodon"
TAG = regex.compile(r"<[^>]+>")
SPACE = regex.compile(r"\s+")
CLOCK_SKEW = timedelta(minutes=10)
FORM = "application/x-www-form-urlencoded"
MEDIA_KEY = "mastodon_media_id"
# Large images are processed after the upload answers 202; a status cannot carry them before.
PROCESSING_POLLS, PROCESSING_PAUSE = 30, 1.0


def _auth(account: Account) -> dict[str, str]:
    return {"Authorization": f"Bearer {account.access_token}"}


def form_body(post: Post) -> bytes:
    fields = [("status", post.text), ("visibility", "public"), ("language", post.language)]
    if media_id := post.media.get(MEDIA_KEY):
        fields.append(("media_ids[]", media_id))
    return urlencode(fields).encode()


@functools.lru_cache(maxsize=4096)
def _statuses_url(server: str) -> URL:
    # Parsed once per server, not once per request.
    return URL(f"{server}/api/v1/statuses")


def plain_text(content_html: str) -> str:
    """The text a status shows, for comparison with what we sent."""
    with_breaks = regex.sub(r"<br\s*/?>|</p>\s*<p>", " ", content_html)
    return SPACE.sub(" ", html.unescape(TAG.sub("", with_breaks))).strip()


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _posted(status: dict) -> Result:
    return Result(
        Outcome.POSTED,
        remote_id=str(status.get("id", "")),
        url=status.get("url") or status.get("uri") or "",
        posted_at=_parse_time(status.get("created_at")),
    )


class MastodonAdapter:
    network = NETWORK
    warm_path = "/api/v1/instance"  # public, cached by Mastodon, no token needed

    def encode(self, account: Account, post: Post) -> Post:
        """The form encoded once before T: urlencode per request was a fifth of the
        sender's CPU at the moment."""
        return dataclasses.replace(post, body=form_body(post), content_type=FORM)

    async def publish(self, http: aiohttp.ClientSession, account: Account, post: Post) -> Result:
        headers = {
            "Authorization": f"Bearer {account.access_token}",
            "Idempotency-Key": post.idempotency_key,
            "Content-Type": post.content_type or FORM,
        }
        body = post.body or form_body(post)
        try:
            async with http.post(
                _statuses_url(account.server), data=body, headers=headers
            ) as response:
                if 200 <= response.status < 300:
                    return _posted(json.loads(await response.read()))
                return classify.classify_status(
                    response.status, response.headers, response.reason or ""
                )
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            return classify.classify_exception(error)

    async def find(
        self, http: aiohttp.ClientSession, account: Account, post: Post
    ) -> Result | None:
        """Raises on trouble reaching the server: then nothing is known yet.

        Asked without the token: Mastodon answers a token that lacks `read:statuses` (ours
        never has it) with 403 here, while a public status is there for anyone to read."""
        url = f"{account.server}/api/v1/accounts/{account.account_id}/statuses"
        params = {"limit": "40", "exclude_reblogs": "true", "exclude_replies": "true"}
        async with http.get(url, params=params) as response:
            response.raise_for_status()
            statuses = await response.json(content_type=None)
        wanted = SPACE.sub(" ", post.text).strip()
        for status in statuses:
            created = _parse_time(status.get("created_at"))
            if created and created < post.not_before - CLOCK_SKEW:
                continue
            if plain_text(status.get("content", "")) == wanted:
                return _posted(status)
        return None

    async def verify(self, http: aiohttp.ClientSession, account: Account) -> Reach:
        try:
            async with http.get(
                f"{account.server}/api/v1/accounts/verify_credentials", headers=_auth(account)
            ) as response:
                if response.status in (401, 403):
                    return Reach(False, reason="the access was revoked or has expired")
                response.raise_for_status()
                me = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError) as error:
            return Reach(False, reason=f"server unreachable: {type(error).__name__}")
        return Reach(True, followers=int(me.get("followers_count") or 0))

    async def upload_media(
        self, http: aiohttp.ClientSession, account: Account, image: Image
    ) -> dict:
        """POST /api/v2/media with the alt text as its description (needs `write:media`)."""
        form = aiohttp.FormData()
        form.add_field("file", image.data, content_type=image.content_type, filename="image")
        form.add_field("description", image.alt)
        async with http.post(
            f"{account.server}/api/v2/media", data=form, headers=_auth(account)
        ) as response:
            if response.status not in (200, 202):
                raise MediaRefused(f"the server refused the image: HTTP {response.status}")
            media = await response.json(content_type=None)
        media_id = str(media.get("id") or "")
        if not media_id:
            raise MediaRefused("the server did not say where it stored the image")
        if response.status == 202:
            await self._processed(http, account, media_id)
        return {MEDIA_KEY: media_id}

    async def _processed(self, http: aiohttp.ClientSession, account: Account, media_id: str):
        for _ in range(PROCESSING_POLLS):
            async with http.get(
                f"{account.server}/api/v1/media/{media_id}", headers=_auth(account)
            ) as response:
                if response.status == 200:
                    return
                if response.status != 206:  # 206: still processing
                    raise MediaRefused(f"the image was not processed: HTTP {response.status}")
            await asyncio.sleep(PROCESSING_PAUSE)
        raise MediaRefused("the server was still processing the image")

    async def revoke(self, http: aiohttp.ClientSession, account: Account) -> None:
        form = {
            "client_id": account.client_id,
            "client_secret": account.client_secret,
            "token": account.access_token,
        }
        async with http.post(f"{account.server}/oauth/revoke", data=form) as response:
            response.raise_for_status()


ADAPTER = MastodonAdapter()
