"""Many small Mastodon-API "hosts" on loopback ports, for the moment benchmark.

    python benchmarks/mastodon_receiver.py --hosts 200 --latency-ms 150

One process listens on --hosts loopback ports (free ones, the kernel's choice); each port is
one host, because the engine caps concurrency per server host:port. POST /api/v1/statuses
needs a Bearer token, honours Idempotency-Key (a repeat returns the first status and creates
nothing), notes the time the request *arrived* (lateness is measured where the post is
received), waits --latency-ms without blocking, and answers a Status. The account's
timeline (the engine's lookup after an unknown outcome), verify_credentials and the instance
document are served too.

It is a bare asyncio protocol (HTTP/1.1, keep-alive, Content-Length bodies) on uvloop rather
than a web framework: the senders under test share the machine's cores with it, so it must
cost them as little as possible (the benchmark measures its ceiling and prints it).

Once every port listens it prints one JSON line, {"ports": [...], "control": port}. The
control port answers GET /received (what was created, when, where; repeats) and POST /reset.
Binds 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import socket
import time
from datetime import UTC, datetime
from urllib.parse import parse_qsl

import orjson

LOOPBACK = "127.0.0.1"
REASONS = {200: b"OK", 400: b"Bad Request", 401: b"Unauthorized", 404: b"Not Found"}


class Ledger:
    """Every status created, by token; what arrived when; repeated keys."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.ids = itertools.count(1)
        self.by_key: dict[tuple[str, str], bytes] = {}
        self.by_token: dict[str, list[dict]] = {}
        self.created: list[tuple[float, int, str]] = []  # (arrived, port, token)
        self.repeats = 0
        self.requests = 0


def status_for(number: int, token: str, port: int, form: dict, arrived: float) -> dict:
    created = datetime.fromtimestamp(arrived, UTC).isoformat(timespec="milliseconds")
    url = f"http://{LOOPBACK}:{port}/@u/{number}"
    return {
        "id": str(number),
        "uri": url,
        "url": url,
        "created_at": created.replace("+00:00", "Z"),
        "content": f"<p>{form.get('status', '')}</p>",
        "visibility": form.get("visibility", "public"),
        "language": form.get("language"),
        "sensitive": False,
        "spoiler_text": "",
        "account": {"id": token[-12:], "username": "u", "acct": "u", "url": url},
        "media_attachments": [],
        "mentions": [],
        "tags": [],
        "emojis": [],
        "reblogs_count": 0,
        "favourites_count": 0,
        "replies_count": 0,
    }


def response(status: int, body: bytes, keep_alive: bool) -> bytes:
    head = (
        b"HTTP/1.1 %d %s\r\nContent-Type: application/json; charset=utf-8\r\n"
        b"Content-Length: %d\r\n%s\r\n"
        % (
            status,
            REASONS.get(status, b"Error"),
            len(body),
            b"" if keep_alive else b"Connection: close\r\n",
        )
    )
    return head + body


class Request:
    __slots__ = ("body", "headers", "method", "path")

    def __init__(self, method: str, path: str, headers: dict[str, str], body: bytes):
        self.method, self.path, self.headers, self.body = method, path, headers, body

    @property
    def token(self) -> str:
        header = self.headers.get("authorization", "")
        return header[7:] if header.startswith("Bearer ") else ""


class Mastodon:
    """What a request to one of the hosts does."""

    def __init__(self, ledger: Ledger, latency: float):
        self.ledger, self.latency = ledger, latency

    async def handle(self, request: Request, port: int, arrived: float) -> tuple[int, bytes]:
        path = request.path.split("?", 1)[0]
        if request.method == "POST" and path == "/api/v1/statuses":
            return await self.post_status(request, port, arrived)
        if request.method == "GET" and path.startswith("/api/v1/accounts/"):
            await asyncio.sleep(self.latency)
            if not request.token:
                return 401, b'{"error":"The access token is invalid"}'
            if path.endswith("/verify_credentials"):
                me = {"id": request.token[-12:], "username": "u", "followers_count": 1}
                return 200, orjson.dumps(me)
            if path.endswith("/statuses"):
                return 200, orjson.dumps(self.ledger.by_token.get(request.token, [])[::-1])
        if request.method == "GET" and path == "/api/v1/instance":
            return 200, orjson.dumps({"uri": f"{LOOPBACK}:{port}", "version": "4.3.0"})
        return 404, b'{"error":"Record not found"}'

    async def post_status(self, request: Request, port: int, arrived: float) -> tuple[int, bytes]:
        ledger = self.ledger
        ledger.requests += 1
        token = request.token
        if not token:
            return 401, b'{"error":"The access token is invalid"}'
        key = (token, request.headers.get("idempotency-key", ""))
        body = ledger.by_key.get(key) if key[1] else None
        if body is None:
            form = dict(parse_qsl(request.body.decode()))
            status = status_for(next(ledger.ids), token, port, form, arrived)
            ledger.created.append((arrived, port, token))
            ledger.by_token.setdefault(token, []).append(status)
            body = orjson.dumps(status)
            if key[1]:
                ledger.by_key[key] = body
        else:
            ledger.repeats += 1
        await asyncio.sleep(self.latency)
        return 200, body


class Control:
    def __init__(self, ledger: Ledger):
        self.ledger = ledger

    async def handle(self, request: Request, port: int, arrived: float) -> tuple[int, bytes]:
        ledger = self.ledger
        if request.method == "GET" and request.path == "/received":
            summary = {
                "created": ledger.created,
                "repeats": ledger.repeats,
                "requests": ledger.requests,
            }
            return 200, orjson.dumps(summary)
        if request.method == "POST" and request.path == "/reset":
            ledger.reset()
            return 200, b'{"ok":true}'
        return 404, b"{}"


class HTTP(asyncio.Protocol):
    """HTTP/1.1 with keep-alive and Content-Length bodies: what the senders here send."""

    def __init__(self, app: Mastodon | Control, port: int):
        self.app, self.port = app, port
        self.buffer = b""
        self.first_byte = 0.0
        self.transport: asyncio.Transport | None = None
        self.last: asyncio.Future | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def connection_lost(self, exc) -> None:
        self.transport = None

    def data_received(self, data: bytes) -> None:
        if not self.buffer:  # a request's first bytes: lateness is measured from here
            self.first_byte = time.time()
        self.buffer += data
        arrived = self.first_byte
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            lines = self.buffer[:end].decode("latin-1").split("\r\n")
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            if len(self.buffer) < end + 4 + length:
                return
            body = self.buffer[end + 4 : end + 4 + length]
            self.buffer = self.buffer[end + 4 + length :]
            method, path, version = [*lines[0].split(" "), "", ""][:3]
            keep_alive = headers.get("connection", "").lower() != "close" and version.endswith(
                "1.1"
            )
            request = Request(method, path, headers, body)
            self.last = asyncio.ensure_future(self.answer(request, arrived, keep_alive, self.last))

    async def answer(
        self, request: Request, arrived: float, keep_alive: bool, previous: asyncio.Future | None
    ) -> None:
        status, body = await self.app.handle(request, self.port, arrived)
        if previous is not None and not previous.done():
            await previous  # a pipelined request: answers leave in the order asked
        if self.transport is not None:
            self.transport.write(response(status, body, keep_alive))
            if not keep_alive:
                self.transport.close()


async def serve(hosts: int, latency: float) -> None:
    loop = asyncio.get_running_loop()
    ledger = Ledger()
    mastodon, control = Mastodon(ledger, latency), Control(ledger)
    servers = []
    for _ in range(hosts):
        sock = socket.socket()
        sock.bind((LOOPBACK, 0))
        port = sock.getsockname()[1]
        server = await loop.create_server(
            lambda port=port: HTTP(mastodon, port), sock=sock, backlog=4096
        )
        servers.append((port, server))
    sock = socket.socket()
    sock.bind((LOOPBACK, 0))
    control_port = sock.getsockname()[1]
    control_server = await loop.create_server(
        lambda: HTTP(control, control_port), sock=sock, backlog=128
    )
    ports = [port for port, _ in servers]
    print(json.dumps({"ports": ports, "control": control_port}), flush=True)
    every = [server for _, server in servers] + [control_server]
    await asyncio.gather(*(server.serve_forever() for server in every))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=200, help="ports to listen on, one per host")
    parser.add_argument("--latency-ms", type=float, default=150.0)
    args = parser.parse_args()
    try:
        import uvloop
    except ImportError:  # the standard loop works, only slower
        asyncio.run(serve(args.hosts, args.latency_ms / 1000))
    else:
        uvloop.run(serve(args.hosts, args.latency_ms / 1000))


if __name__ == "__main__":
    main()
