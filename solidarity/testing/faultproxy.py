"""A fault-injecting reverse proxy in front of a Mastodon-API server, for tests.

It does what mastodon-mock alone cannot: answer 500 *after* the status was created, hang
after forwarding, reset the connection, strip the Idempotency-Key (a server that ignores it),
and answer a repeated key with HTTP 500 after creating again, as Mastodon itself has done.
Faults apply to status creation only; lookups pass through unless `faulty_reads` is set.

It also keeps a rule of Mastodon's that mastodon-mock does not: reading statuses with a token
that lacks `read:statuses` is answered 403 (`authorize_if_got_token!`). Solidarity's tokens
never carry that scope, so every statuses read that comes with a token is refused here.
"""

from __future__ import annotations

import asyncio
import random
import threading
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

from solidarity.testing.mastodon import free_port

HOP_HEADERS = {"host", "content-length", "transfer-encoding", "connection"}


@dataclass
class Faults:
    error_before: float = 0.0  # 500 without forwarding
    error_after: float = 0.0  # forward (the status is created), then answer 500
    timeout_after: float = 0.0  # forward, then hang until the client gives up
    reset_after: float = 0.0  # forward, then drop the connection without an answer
    rate_limited: int = 0  # the first N writes get 429 with the headers below
    rate_limit_headers: dict = field(default_factory=lambda: {"Retry-After": "1"})
    ignore_idempotency_key: bool = False
    same_key_error_after: bool = False  # a repeated key: forward it, then answer 500
    faulty_reads: bool = False
    seed: int = 7


@dataclass
class Counters:
    writes: int = 0
    forwarded_writes: int = 0
    injected: dict = field(default_factory=dict)

    def count(self, name: str) -> None:
        self.injected[name] = self.injected.get(name, 0) + 1


def _reads_statuses(request: web.Request) -> bool:
    path = request.path
    return request.method == "GET" and (
        path.startswith("/api/v1/statuses")
        or (path.startswith("/api/v1/accounts/") and path.endswith("/statuses"))
    )


class FaultProxy:
    def __init__(self, upstream: str, faults: Faults | None = None):
        self.upstream = upstream.rstrip("/")
        self.faults = faults or Faults()
        self.counters = Counters()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._random = random.Random(self.faults.seed)  # noqa: S311
        self._seen_keys: set[str] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None

    def __enter__(self) -> FaultProxy:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("fault proxy did not start")
        return self

    def __exit__(self, *exc) -> None:
        if self._loop and self._stop:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread:
            self._thread.join(10)

    def _run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, handle_signals=False)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        async with aiohttp.ClientSession() as self._client:
            self._ready.set()
            await self._stop.wait()
            await runner.cleanup()

    def _roll(self, rate: float) -> bool:
        return rate > 0 and self._random.random() < rate

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if _reads_statuses(request) and request.headers.get("Authorization"):
            self.counters.count("403-scope")
            return web.json_response(
                {"error": "This action is outside the authorized scopes"}, status=403
            )
        is_write = request.method == "POST" and request.path == "/api/v1/statuses"
        if not is_write and not self.faults.faulty_reads:
            return await self._forward(request)
        faults, counters = self.faults, self.counters
        counters.writes += is_write
        if is_write and counters.writes <= faults.rate_limited:
            counters.count("429")
            return web.json_response(
                {"error": "Too many requests"}, status=429, headers=faults.rate_limit_headers
            )
        key = request.headers.get("Idempotency-Key", "")
        repeated = bool(key) and key in self._seen_keys
        self._seen_keys.add(key)
        if self._roll(faults.error_before):
            counters.count("500-before")
            return web.json_response({"error": "injected"}, status=500)
        response = await self._forward(request, strip_key=faults.ignore_idempotency_key)
        counters.forwarded_writes += is_write
        if repeated and faults.same_key_error_after:
            counters.count("same-key-500")
            return web.json_response({"error": "injected after create"}, status=500)
        if self._roll(faults.error_after):
            counters.count("500-after")
            return web.json_response({"error": "injected after create"}, status=502)
        if self._roll(faults.timeout_after):
            counters.count("timeout")
            await asyncio.sleep(60)
        if self._roll(faults.reset_after):
            counters.count("reset")
            if request.transport:
                request.transport.abort()
            raise ConnectionResetError("injected reset")
        return response

    async def _forward(self, request: web.Request, strip_key: bool = False) -> web.Response:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        if strip_key:
            headers.pop("Idempotency-Key", None)
        async with self._client.request(
            request.method,
            self.upstream + request.path_qs,
            headers=headers,
            data=await request.read(),
        ) as answer:
            body = await answer.read()
            return web.Response(
                status=answer.status,
                body=body,
                headers={k: v for k, v in answer.headers.items() if k.lower() not in HOP_HEADERS},
            )
