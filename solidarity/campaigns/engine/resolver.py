"""Name resolution for the fan-out that connects only to public addresses.

Supporters' servers were checked when they pledged (core.safe_http), but a name can be
pointed elsewhere afterwards (DNS rebinding). Every connection the engine opens resolves
through this resolver, which drops any address that is not public, so a server that moved
to a private or loopback address is refused at connect time. IP literals never reach a
resolver: they were checked at pledge time and cannot move.
"""

from __future__ import annotations

import socket

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver
from django.conf import settings

from solidarity.core.safe_http import RefusedAddress, check_address


class PublicOnlyResolver(AbstractResolver):
    def __init__(
        self, inner: AbstractResolver | None = None, allow_loopback: bool | None = None
    ) -> None:
        self.inner = inner or ThreadedResolver()
        self.allow_loopback = (
            settings.SOLIDARITY_ALLOW_LOOPBACK_SERVERS if allow_loopback is None else allow_loopback
        )

    def _allowed(self, answer: ResolveResult) -> bool:
        try:
            check_address(answer["host"], allow_loopback=self.allow_loopback)
        except RefusedAddress:
            return False
        return True

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        answers = [a for a in await self.inner.resolve(host, port, family) if self._allowed(a)]
        if not answers:
            # An OSError is what the connector turns into "cannot connect": nothing was sent.
            raise OSError(f"{host} no longer resolves to a public address")
        return answers

    async def close(self) -> None:
        await self.inner.close()


def public_session(timeout: aiohttp.ClientTimeout, **options) -> aiohttp.ClientSession:
    """A client session for supporters' servers outside the moment (pre-flight, uploads)."""
    connector = aiohttp.TCPConnector(resolver=PublicOnlyResolver())
    return aiohttp.ClientSession(
        timeout=timeout, connector=connector, cookie_jar=aiohttp.DummyCookieJar(), **options
    )
