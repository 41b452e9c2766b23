"""Posting to a Bluesky PDS over XRPC, with DPoP-bound OAuth tokens or an app-password session.

Exactly once: the record key (a TID) is fixed when the delivery is created, and the record is
written with putRecord and `"swapRecord": null` ("only if there is none yet"), with createdAt
fixed to the moment. So an identical retry is answered 200 with the same uri and creates
nothing, and an unknown outcome is settled with getRecord.

OAuth sessions (the account carries a DPoP key) send `Authorization: DPoP <token>` and a proof
per request; a `use_dpop_nonce` refusal (the server processed nothing) is resent once with the
server's nonce. App-password sessions send a Bearer token.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import json
import secrets
import time
from collections.abc import Mapping
from datetime import UTC, datetime

import aiohttp
import httpx
from django.conf import settings

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
from solidarity.campaigns.networks.bluesky import oauth
from solidarity.campaigns.networks.bluesky.dpop import DPoPKey, needs_nonce
from solidarity.campaigns.networks.bluesky.text import facets
from solidarity.core.safe_http import RefusedAddress
from solidarity.core.secrets import Secret

NETWORK = "bluesky"
COLLECTION = "app.bsky.feed.post"
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
MEDIA_KEY = "bluesky_image"
# app.bsky.embed.images refuses larger images; the campaign form checks this (models.py).
MAX_IMAGE_BYTES = 1_000_000
# A follower count is a nicety: it must not hold up a preflight for long.
PROFILE_TIMEOUT = aiohttp.ClientTimeout(total=10)


class RefreshFailed(aiohttp.ClientError):
    """The session could not be refreshed. A ClientError, so callers that already treat a
    failed network call as "this access is broken" (the preflight) treat this the same."""


def new_record_key() -> str:
    """A TID: 53 bits of microseconds since the epoch and 10 bits of clock id, base32-sortable."""
    value = (time.time_ns() // 1000) << 10 | secrets.randbelow(1024)
    chars = []
    for _ in range(13):
        chars.append(TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def post_url(did: str, record_key: str) -> str:
    return f"https://bsky.app/profile/{did}/post/{record_key}"


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def record(post: Post) -> dict:
    # createdAt is the moment, not the time of sending: every retry writes the same record,
    # which is what lets the server recognise it as a repeat.
    post_record = {
        "$type": COLLECTION,
        "text": post.text,
        "createdAt": timestamp(post.not_before),
        "langs": [post.language],
        "facets": facets(post.text),
    }
    if image := post.media.get(MEDIA_KEY):
        post_record["embed"] = {
            "$type": "app.bsky.embed.images",
            "images": [
                {
                    "alt": image["alt"],
                    "image": image["blob"],
                    "aspectRatio": {"width": image["width"], "height": image["height"]},
                }
            ],
        }
    return post_record


@functools.lru_cache(maxsize=50_000)
def _key(private_pem: str) -> DPoPKey:
    return DPoPKey(private_pem)  # parsing a PEM costs more than signing; keep them for the moment


def _headers(account: Account, method: str, url: str) -> dict[str, str]:
    if not account.dpop_private_key:
        return {"Authorization": f"Bearer {account.access_token}"}
    proof = _key(account.dpop_private_key).proof(
        method, url, nonce=oauth.nonce_for(url), access_token=account.access_token
    )
    return {"Authorization": f"DPoP {account.access_token}", "DPoP": proof}


async def _call(
    http: aiohttp.ClientSession,
    account: Account,
    method: str,
    url: str,
    extra_headers: Mapping[str, str] | None = None,
    **options,
) -> tuple[int, Mapping[str, str], dict]:
    """(status, headers, JSON body). A use_dpop_nonce 401 is resent once with the new nonce."""
    attempts = 2 if account.dpop_private_key else 1
    for attempt in range(1, attempts + 1):
        headers = _headers(account, method, url) | dict(extra_headers or {})
        async with http.request(method, url, headers=headers, **options) as response:
            body = await response.read()
            oauth.remember_nonce(url, response.headers)
            status, headers = response.status, response.headers
        if attempt == attempts or not needs_nonce(status, headers, body):
            break
    return status, headers, _json(body)


def _json(body: bytes) -> dict:
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _posted(account: Account, post: Post, body: dict) -> Result:
    return Result(
        Outcome.POSTED,
        remote_id=body.get("uri", ""),
        url=post_url(account.account_id, post.record_key),
    )


class BlueskyAdapter:
    network = NETWORK

    async def publish(self, http: aiohttp.ClientSession, account: Account, post: Post) -> Result:
        # createRecord at our fixed key: a repeat finds the record there and fails, and it
        # needs only the `create` permission (putRecord needs `update` too).
        body = {
            "repo": account.account_id,
            "collection": COLLECTION,
            "rkey": post.record_key,
            "record": record(post),
        }
        try:
            url = f"{account.server}/xrpc/com.atproto.repo.createRecord"
            status, headers, answer = await _call(http, account, "POST", url, json=body)
            if 200 <= status < 300:
                return _posted(account, post, answer)
            if (status == 400 and _already_exists(answer)) or status >= 500:
                # A record may already sit at our fixed key: a repeat create fails (the
                # reference PDS answers 500). Only we write there, so one found is ours.
                found = await self.find(http, account, post)
                return found or classify.classify_status(status, headers, str(answer))
            return classify.classify_status(status, headers, str(answer.get("error", "")))
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            return classify.classify_exception(error)

    async def find(
        self, http: aiohttp.ClientSession, account: Account, post: Post
    ) -> Result | None:
        # getRecord is public: no token needed, so a lookup works even if the token expired.
        params = {"repo": account.account_id, "collection": COLLECTION, "rkey": post.record_key}
        async with http.get(
            f"{account.server}/xrpc/com.atproto.repo.getRecord", params=params
        ) as response:
            if response.status == 400:
                answer = await response.json(content_type=None)
                if answer.get("error") == "RecordNotFound":
                    return None
            response.raise_for_status()
            return _posted(account, post, await response.json(content_type=None))

    async def verify(self, http: aiohttp.ClientSession, account: Account) -> Reach:
        url = f"{account.server}/xrpc/com.atproto.server.getSession"
        try:
            status, _headers, _answer = await _call(http, account, "GET", url)
        except (aiohttp.ClientError, TimeoutError) as error:
            return Reach(False, reason=f"server unreachable: {type(error).__name__}")
        if status in (400, 401, 403):
            return Reach(False, reason="the session has expired or was revoked")
        if status != 200:
            return Reach(False, reason=f"server answered HTTP {status}")
        followers, unknown = await _followers(http, account)
        return Reach(True, followers=followers, reason=unknown)

    async def upload_media(
        self, http: aiohttp.ClientSession, account: Account, image: Image
    ) -> dict:
        """uploadBlob; the PDS keeps the blob once the post's record refers to it."""
        url = f"{account.server}/xrpc/com.atproto.repo.uploadBlob"
        status, _headers, answer = await _call(
            http,
            account,
            "POST",
            url,
            data=image.data,
            extra_headers={"Content-Type": image.content_type},
        )
        if status != 200 or not isinstance(answer.get("blob"), dict):
            raise MediaRefused(f"the server refused the image: HTTP {status}")
        return {
            MEDIA_KEY: {
                "blob": answer["blob"],
                "alt": image.alt,
                "width": image.width,
                "height": image.height,
            }
        }

    async def refresh(self, http: aiohttp.ClientSession, account: Account) -> Account:
        """A fresh access token; raises RefreshFailed."""
        if account.dpop_private_key:
            try:
                tokens = await asyncio.to_thread(
                    oauth.refresh, account.server, account.refresh_token, account.dpop_private_key
                )
            except (oauth.OAuthError, RefusedAddress, httpx.HTTPError, ValueError) as error:
                raise RefreshFailed(str(error)) from error
            return dataclasses.replace(
                account,
                access_token=Secret(tokens.access_token),
                refresh_token=Secret(tokens.refresh_token),
            )
        async with http.post(
            f"{account.server}/xrpc/com.atproto.server.refreshSession",
            headers={"Authorization": f"Bearer {account.refresh_token}"},
        ) as response:
            if response.status != 200:
                raise RefreshFailed(f"refreshSession answered HTTP {response.status}")
            session = await response.json(content_type=None)
        return dataclasses.replace(
            account,
            access_token=Secret(session["accessJwt"]),
            refresh_token=Secret(session["refreshJwt"]),
        )

    async def revoke(self, http: aiohttp.ClientSession, account: Account) -> None:
        if account.dpop_private_key:
            tokens = oauth.Tokens(account.access_token, account.refresh_token)
            try:
                await asyncio.to_thread(
                    oauth.revoke, account.server, tokens, account.dpop_private_key
                )
            except (oauth.OAuthError, RefusedAddress, httpx.HTTPError, ValueError) as error:
                # aiohttp's error, so the caller logs it and erases the tokens all the same.
                raise aiohttp.ClientError(f"revocation failed: {error}") from error
            return
        # An app-password session: deleteSession kills the refresh token; the access token
        # (a 2 h JWT) cannot be revoked by us and dies on its own.
        async with http.post(
            f"{account.server}/xrpc/com.atproto.server.deleteSession",
            headers={"Authorization": f"Bearer {account.refresh_token}"},
        ) as response:
            if response.status not in (200, 400, 401):
                response.raise_for_status()


async def _followers(http: aiohttp.ClientSession, account: Account) -> tuple[int | None, str]:
    """The account's follower count and "", or None and why it is not known.

    Follower counts live in an AppView, not in the PDS. We ask the supporter's own PDS to
    forward the question (service proxying: the `atproto-proxy` header names the AppView), as
    their Bluesky app does: asking a public AppView ourselves would hand it the list of
    accounts that pledged.
    """
    appview = settings.SOLIDARITY_BLUESKY_APPVIEW
    if not appview:
        return None, "follower count not asked: no AppView configured"
    url = f"{account.server}/xrpc/app.bsky.actor.getProfile"
    try:
        status, _headers, answer = await _call(
            http,
            account,
            "GET",
            url,
            extra_headers={"atproto-proxy": appview},
            params={"actor": account.account_id},
            timeout=PROFILE_TIMEOUT,
        )
    except (aiohttp.ClientError, TimeoutError) as error:
        return None, f"follower count unknown: {type(error).__name__}"
    count = answer.get("followersCount")
    if status != 200 or type(count) is not int or count < 0:
        why = answer.get("message") or answer.get("error") or ""
        return None, f"follower count unknown: getProfile answered HTTP {status} {why}".strip()
    return count, ""


def _already_exists(answer: dict) -> bool:
    message = f"{answer.get('error', '')} {answer.get('message', '')}".lower()
    return (
        "already exists" in message
        or "recordalreadyexists" in message
        or answer.get("error") == "InvalidSwap"
    )


ADAPTER = BlueskyAdapter()
