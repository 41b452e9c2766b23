"""Posting to a Bluesky PDS over XRPC.

Exactly once: the record key (a TID) is fixed when the delivery is created, so a repeated
create of the same record fails instead of making a second post, and an unknown outcome is
settled with getRecord.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime

import aiohttp

from solidarity.campaigns.networks import http as classify
from solidarity.campaigns.networks.base import Account, Outcome, Post, Reach, Result
from solidarity.campaigns.networks.bluesky.text import facets

NETWORK = "bluesky"
COLLECTION = "app.bsky.feed.post"
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


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


def _auth(account: Account) -> dict[str, str]:
    return {"Authorization": f"Bearer {account.access_token}"}


def record(post: Post, created_at: datetime | None = None) -> dict:
    return {
        "$type": COLLECTION,
        "text": post.text,
        "createdAt": (created_at or datetime.now(UTC)).isoformat().replace("+00:00", "Z"),
        "langs": [post.language],
        "facets": facets(post.text),
    }


def _posted(account: Account, post: Post, body: dict) -> Result:
    return Result(
        Outcome.POSTED,
        remote_id=body.get("uri", ""),
        url=post_url(account.account_id, post.record_key),
    )


class BlueskyAdapter:
    network = NETWORK

    async def publish(self, http: aiohttp.ClientSession, account: Account, post: Post) -> Result:
        body = {
            "repo": account.account_id,
            "collection": COLLECTION,
            "rkey": post.record_key,
            "record": record(post),
        }
        try:
            async with http.post(
                f"{account.server}/xrpc/com.atproto.repo.createRecord",
                json=body,
                headers=_auth(account),
            ) as response:
                answer = await response.json(content_type=None)
                if 200 <= response.status < 300:
                    return _posted(account, post, answer)
                if response.status == 400 and _already_exists(answer):
                    # Our own earlier attempt landed: the fixed record key makes it ours.
                    return await self.find(http, account, post) or classify.classify_status(
                        response.status, response.headers, str(answer)
                    )
                return classify.classify_status(
                    response.status, response.headers, str(answer.get("error", ""))
                )
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            return classify.classify_exception(error)

    async def find(
        self, http: aiohttp.ClientSession, account: Account, post: Post
    ) -> Result | None:
        params = {"repo": account.account_id, "collection": COLLECTION, "rkey": post.record_key}
        async with http.get(
            f"{account.server}/xrpc/com.atproto.repo.getRecord",
            params=params,
            headers=_auth(account),
        ) as response:
            if response.status == 400:
                answer = await response.json(content_type=None)
                if answer.get("error") == "RecordNotFound":
                    return None
            response.raise_for_status()
            return _posted(account, post, await response.json(content_type=None))

    async def verify(self, http: aiohttp.ClientSession, account: Account) -> Reach:
        try:
            async with http.get(
                f"{account.server}/xrpc/com.atproto.server.getSession", headers=_auth(account)
            ) as response:
                if response.status in (400, 401):
                    return Reach(False, reason="the session has expired or was revoked")
                response.raise_for_status()
        except (aiohttp.ClientError, TimeoutError) as error:
            return Reach(False, reason=f"server unreachable: {type(error).__name__}")
        return Reach(True)

    async def refresh(self, http: aiohttp.ClientSession, account: Account) -> Account:
        async with http.post(
            f"{account.server}/xrpc/com.atproto.server.refreshSession",
            headers={"Authorization": f"Bearer {account.refresh_token}"},
        ) as response:
            response.raise_for_status()
            session = await response.json(content_type=None)
        return Account(
            account.server, account.account_id, session["accessJwt"], session["refreshJwt"]
        )

    async def revoke(self, http: aiohttp.ClientSession, account: Account) -> None:
        async with http.post(
            f"{account.server}/xrpc/com.atproto.server.deleteSession",
            headers={"Authorization": f"Bearer {account.refresh_token}"},
        ) as response:
            if response.status not in (200, 400, 401):
                response.raise_for_status()


def _already_exists(answer: dict) -> bool:
    message = f"{answer.get('error', '')} {answer.get('message', '')}".lower()
    return "already exists" in message or "recordalreadyexists" in message


ADAPTER = BlueskyAdapter()
