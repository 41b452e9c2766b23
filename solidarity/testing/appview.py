"""A stand-in for a Bluesky AppView on loopback, answering getProfile, for the reach tests.

The local PDS forwards a request carrying `atproto-proxy` to it when started with
`LocalPDS(extra_env=appview.pds_env)`. It answers `app.bsky.actor.getProfile` with
the follower counts it was given, and keeps what each request carried: the actor asked about
and the claims of the service-auth token the PDS signed for it (iss: the account; aud: us).

>>> with LocalAppView({"did:plc:...": 42}) as appview, LocalPDS(extra_env=appview.pds_env) as pds:
...     ...
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
from dataclasses import dataclass

from aiohttp import web

from solidarity.testing.mastodon import free_port

DID = "did:web:api.bsky.app"  # the name the PDS knows it by; the address is a loopback port


@dataclass(frozen=True)
class Asked:
    actor: str
    claims: dict  # the PDS's service-auth JWT, unverified: iss, aud, lxm


class LocalAppView:
    def __init__(self, followers: dict[str, int]):
        self.followers = followers
        self.asked: list[Asked] = []
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None

    @property
    def pds_env(self) -> dict[str, str]:
        return {"PDS_BSKY_APP_VIEW_URL": self.url, "PDS_BSKY_APP_VIEW_DID": DID}

    def __enter__(self) -> LocalAppView:
        self._thread = threading.Thread(target=lambda: asyncio.run(self._serve()), daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the AppView stand-in did not start")
        return self

    def __exit__(self, *exc) -> None:
        if self._loop and self._stop:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread:
            self._thread.join(10)

    async def _serve(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        app = web.Application()
        app.router.add_get("/xrpc/app.bsky.actor.getProfile", self._profile)
        runner = web.AppRunner(app, handle_signals=False)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        self._ready.set()
        await self._stop.wait()
        await runner.cleanup()

    async def _profile(self, request: web.Request) -> web.Response:
        actor = request.query.get("actor", "")
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        self.asked.append(Asked(actor, _claims(token)))
        if actor not in self.followers:
            return web.json_response(
                {"error": "InvalidRequest", "message": "Profile not found"}, status=400
            )
        handle = f"{actor.rsplit(':', 1)[-1][:12]}.test"
        return web.json_response(
            {"did": actor, "handle": handle, "followersCount": self.followers[actor]}
        )


def _claims(token: str) -> dict:
    try:
        payload = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
