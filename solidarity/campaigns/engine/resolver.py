"""Name resolution for the fan-out that connects only to public addresses.

Supporters' servers were checked when they pledged (core.safe_http), but a name can be
pointed elsewhere afterwards (DNS rebinding). Every connection the engine opens resolves
through this resolver, which drops any address that is not public, so a server that moved
to a private or loopback address is refused at connect time. IP literals never reach a
resolver, so `public_literals_only` checks them on every request and on every hop of a
redirect: a server that answers with a redirect to http://169.254.169.254/ gets no request.
"""

from __future__ import annotations

import functools
import ipaddress
import socket

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver
from django.conf import settings

from solidarity.campaigns.networks.http import RefusedDestination
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


@functools.lru_cache(maxsize=4096)
def _literal_refused(host: str, allow_loopback: bool) -> bool:
    """Whether `host` is an IP literal that is not public; names are the resolver's."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    try:
        check_address(host, allow_loopback=allow_loopback)
    except RefusedAddress:
        return True
    return False


async def public_literals_only(
    request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
) -> aiohttp.ClientResponse:
    """A session middleware: aiohttp runs it for the first request and for every redirect hop."""
    host = (request.url.raw_host or "").strip("[]")
    if _literal_refused(host, settings.SOLIDARITY_ALLOW_LOOPBACK_SERVERS):
        raise RefusedDestination(f"refused {host}: not a public address")
    return await handler(request)


def public_session(
    timeout: aiohttp.ClientTimeout, connector_options: dict | None = None, **options
) -> aiohttp.ClientSession:
    """The only client session for supporters' servers: the moment, pre-flight, uploads,
    look-ups and revocation. Every name is re-checked at connect time and every address
    literal on every hop; cookies one server sets never ride along to the next supporter."""
    connector = aiohttp.TCPConnector(resolver=PublicOnlyResolver(), **(connector_options or {}))
    return aiohttp.ClientSession(
        timeout=timeout,
        connector=connector,
        cookie_jar=aiohttp.DummyCookieJar(),
        middlewares=(public_literals_only,),
        **options,
    )
