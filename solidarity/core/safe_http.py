"""Outbound HTTP to server addresses that supporters type (their Mastodon server), safe from SSRF.

A typed address could name this platform's own loopback services, the private network around it,
or a cloud metadata endpoint. So an address is contacted only if every address its name resolves
to is public, and the connection goes to exactly the address that was checked: the check sits in
the network backend, at connect time, where the name is resolved once; the socket connects to
the checked IP while TLS (SNI, certificate) and the Host header keep the name. A name that
resolves to a public address when a form is validated and to loopback a moment later (DNS
rebinding) is therefore refused at the connection. Redirects are followed by hand, at most
`MAX_REDIRECTS`, and every hop goes through the same checks.

Names are resolved through a `Resolver`, a plain callable, so tests use a stub and never real DNS.
The test-only setting SOLIDARITY_ALLOW_LOOPBACK_SERVERS admits 127.0.0.0/8 and ::1, never a
private range; the `solidarity.E012` deploy check refuses it in production.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

import anyio.to_thread
import httpcore
import httpx
import idna
from django.conf import settings
from django.utils.translation import gettext_lazy as _

MAX_REDIRECTS = 5
DEFAULT_TIMEOUT = httpx.Timeout(10.0)
DEFAULT_LIMITS = httpx.Limits()

NOT_PUBLIC = _(
    "This server's address is not public, so we will not contact it. Check that you typed "
    "your own server's address, such as mastodon.social."
)
MALFORMED = _(
    "This does not look like a server address. Type your server's name, such as "
    "mastodon.social, or your full handle, such as @name@mastodon.social."
)
UNRESOLVABLE = _("We could not find this server. Check the address you typed.")
NOT_HTTPS = _("This server sent us to an address that is not a secure web address.")
TOO_MANY_REDIRECTS = _("This server sent us on too many detours, so we stopped.")


class RefusedAddress(Exception):
    """A server we will not contact. `message` is for the supporter; `reason` for code and logs."""

    def __init__(self, message, reason: str, detail: str = "") -> None:
        super().__init__(str(message))
        self.message = message
        self.reason = reason  # not_public, malformed, unresolvable, not_https, too_many_redirects
        self.detail = detail  # what was refused, for logs; never shown to supporters

    def __str__(self) -> str:
        return str(self.message)


# --- What a typed address may look like ------------------------------------------------------

# A Mastodon handle: "@name@server" or "name@server".
HANDLE = re.compile(r"^@?[\w.+-]+@(?P<server>[^@/\\?#\s]+)$")
LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
# URL parsers and resolvers read a last label such as "1", "0x7f" or "0177" as an IPv4 number,
# so "0x7f.1" and "2130706433" mean 127.0.0.1; such names are refused outright.
NUMERIC_LABEL = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$")
LOCALHOST = re.compile(r"^(?:.+\.)?localhost$")


def _malformed(detail: str) -> RefusedAddress:
    return RefusedAddress(MALFORMED, "malformed", detail)


def canonical_host(host: str) -> str:
    """The host in one canonical spelling: a lower-case ASCII name, dotted IPv4 or bare IPv6."""
    host = host.strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if ":" in host:
        return _canonical_ipv6(host)
    if host.endswith("."):
        host = host[:-1]  # the root of the DNS: "mastodon.social." is "mastodon.social"
    try:
        return str(ipaddress.IPv4Address(host))
    except ValueError:
        pass
    try:
        name = idna.encode(host, uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError) as error:
        raise _malformed(host) from error
    labels = name.split(".")
    if len(name) > 253 or not all(LABEL.match(label) for label in labels):
        raise _malformed(host)
    if NUMERIC_LABEL.match(labels[-1]):
        raise _malformed(host)
    if len(labels) < 2 and not LOCALHOST.match(name):
        raise _malformed(host)  # a bare "intranet" is no public server
    return name


def _canonical_ipv6(host: str) -> str:
    try:
        address = ipaddress.IPv6Address(host)
    except ValueError as error:
        raise _malformed(host) from error
    # A zone ("%eth0") or an IPv4 address dressed as IPv6 is an odd spelling, never a server.
    if address.scope_id or address.ipv4_mapped or (address in IPV4_COMPATIBLE and int(address) > 1):
        raise _malformed(host)
    return address.compressed


def _with_port(host: str, port: int | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return shown if port in (None, 443) else f"{shown}:{port}"


def normalise_server(text: str) -> str:
    """Turn "mastodon.social", "https://mastodon.social/" or "@name@mastodon.social" into host.

    The result is "host" or "host:port" (443 is left out). Syntax only: whether the address
    is public is `check_server`'s question.
    """
    text = (text or "").strip()
    if not text or len(text) > 300:
        raise _malformed(text)
    if "://" not in text:
        handle = HANDLE.match(text)
        if handle:
            text = handle["server"]
        elif "@" in text:
            raise _malformed(text)
        text = f"https://{text}"
    try:
        parts = urllib.parse.urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise _malformed(text) from error
    if parts.scheme.lower() not in {"https", "http"} or "@" in parts.netloc:
        raise _malformed(text)  # other schemes, or credentials in the address
    if parts.path not in {"", "/"} or parts.query or parts.fragment or not parts.hostname:
        raise _malformed(text)
    if port == 0:
        raise _malformed(text)
    return _with_port(canonical_host(parts.hostname), port)


def split_server(server: str) -> tuple[str, int]:
    """Split what `normalise_server` returns into (canonical host, port)."""
    parts = urllib.parse.urlsplit(f"https://{server}")
    return canonical_host(parts.hostname or ""), parts.port or 443


# --- Which addresses are public --------------------------------------------------------------

IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # DNS64 maps public IPv4 servers into it
SIXTOFOUR = ipaddress.IPv6Network("2002::/16")
GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")

# Spelled out rather than left to `is_global`, whose answers have changed between Python
# releases; anything that is not plainly a public unicast address is refused.
REFUSED_NETWORKS = [
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",  # "this network"; 0.0.0.0 reaches the local host on Linux
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, cloud metadata
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation
        "203.0.113.0/24",  # documentation
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and the broadcast address
        "::/96",  # unspecified, loopback, IPv4-compatible
        "::ffff:0:0/96",  # IPv4-mapped
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard
        "2001::/23",  # IETF protocol assignments, Teredo
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation
        "fc00::/7",  # unique-local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
]


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if any(
        address in network for network in REFUSED_NETWORKS if network.version == address.version
    ):
        return False
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            return False
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public(embedded)  # NAT64 and 6to4 reach the IPv4 address inside
        if address not in GLOBAL_UNICAST:
            return False
    return address.is_global and not address.is_multicast


def is_plain_loopback(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv4Address):
        return address in ipaddress.IPv4Network("127.0.0.0/8")
    return address == ipaddress.IPv6Address("::1")


def check_address(ip: str, *, allow_loopback: bool = False) -> None:
    """Refuse (RefusedAddress) an IP address that is not public."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError as error:
        raise RefusedAddress(NOT_PUBLIC, "not_public", ip) from error
    if allow_loopback and is_plain_loopback(address):
        return
    if not is_public(address):
        raise RefusedAddress(NOT_PUBLIC, "not_public", ip)


# --- Resolving and the policy that checks ----------------------------------------------------

Resolver = Callable[[str, int], Sequence[str]]


def system_resolver(host: str, port: int) -> list[str]:
    """The operating system's resolver: every address the name has, in its order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _ip_or_none(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


@dataclass(frozen=True)
class Policy:
    """How names are resolved and which addresses may be contacted.

    `trusted_endpoints` lists (ip, port) pairs treated as public: a seam for tests that must
    stand a loopback server in for a public one. It is empty unless a test sets it.
    """

    resolver: Resolver = system_resolver
    allow_loopback: bool = False
    allow_http: bool = False
    trusted_endpoints: frozenset[tuple[str, int]] = field(default_factory=frozenset)

    @classmethod
    def from_settings(cls, resolver: Resolver = system_resolver) -> Policy:
        allow_loopback = bool(getattr(settings, "SOLIDARITY_ALLOW_LOOPBACK_SERVERS", False))
        # Local test servers speak plain HTTP; real servers are reached over HTTPS only.
        return cls(resolver=resolver, allow_loopback=allow_loopback, allow_http=allow_loopback)

    def addresses(self, host: str, port: int) -> list[str]:
        """Resolve once and check every address; refuse the name if any address is not public.

        The caller connects only to what this returns, so the check and the connection use the
        same resolution.
        """
        host = canonical_host(host)
        literal = _ip_or_none(host)
        if literal:
            candidates = [literal]
        elif LOCALHOST.match(host):
            candidates = ["127.0.0.1", "::1"]  # RFC 6761: never ask DNS about localhost
        else:
            try:
                candidates = [str(ipaddress.ip_address(ip)) for ip in self.resolver(host, port)]
            except (OSError, UnicodeError, ValueError) as error:
                raise RefusedAddress(UNRESOLVABLE, "unresolvable", host) from error
        if not candidates:
            raise RefusedAddress(UNRESOLVABLE, "unresolvable", host)
        for ip in candidates:
            if (ip, port) not in self.trusted_endpoints:
                try:
                    check_address(ip, allow_loopback=self.allow_loopback)
                except RefusedAddress as refusal:
                    refusal.detail = f"{host} -> {ip}"
                    raise
        return candidates

    def check_url(self, url: httpx.URL) -> None:
        """Refuse a URL whose scheme, credentials or host spelling we never follow."""
        allowed = {"https", "http"} if self.allow_http else {"https"}
        if url.scheme not in allowed:
            raise RefusedAddress(NOT_HTTPS, "not_https", str(url))
        if url.userinfo:
            raise _malformed(str(url))
        canonical_host(url.raw_host.decode("ascii"))


def check_server(text: str, policy: Policy | None = None) -> str:
    """Normalise what a supporter typed and check that it resolves to public addresses only.

    For form validation: nothing is connected to. Connections check again (`safe_client`).
    """
    server = normalise_server(text)
    host, port = split_server(server)
    (policy or Policy.from_settings()).addresses(host, port)
    return server


# --- Clients that connect only to checked addresses ------------------------------------------


class _PinnedBackend(httpcore.NetworkBackend):
    def __init__(self, policy: Policy) -> None:
        self._policy = policy
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        error: Exception | None = None
        for ip in self._policy.addresses(host, port):
            try:
                return self._inner.connect_tcp(
                    ip,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as failure:
                error = failure
        raise error or RefusedAddress(UNRESOLVABLE, "unresolvable", host)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise RefusedAddress(NOT_PUBLIC, "not_public", path)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _PinnedAsyncBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, policy: Policy) -> None:
        self._policy = policy
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        # The resolver may block (getaddrinfo); keep it off the event loop.
        addresses = await anyio.to_thread.run_sync(partial(self._policy.addresses, host, port))
        error: Exception | None = None
        for ip in addresses:
            try:
                return await self._inner.connect_tcp(
                    ip,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as failure:
                error = failure
        raise error or RefusedAddress(UNRESOLVABLE, "unresolvable", host)

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise RefusedAddress(NOT_PUBLIC, "not_public", path)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _pool_options(limits: httpx.Limits) -> dict:
    return {
        "max_connections": limits.max_connections,
        "max_keepalive_connections": limits.max_keepalive_connections,
        "keepalive_expiry": limits.keepalive_expiry,
    }


class SafeTransport(httpx.HTTPTransport):
    def __init__(self, policy: Policy, *, verify=True, limits=DEFAULT_LIMITS) -> None:
        super().__init__(verify=verify, limits=limits, trust_env=False)
        self.policy = policy
        # httpx offers no option for the network backend, so its pool is rebuilt with ours.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            network_backend=_PinnedBackend(policy),
            **_pool_options(limits),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.policy.check_url(request.url)
        return super().handle_request(request)


class SafeAsyncTransport(httpx.AsyncHTTPTransport):
    def __init__(self, policy: Policy, *, verify=True, limits=DEFAULT_LIMITS) -> None:
        super().__init__(verify=verify, limits=limits, trust_env=False)
        self.policy = policy
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            network_backend=_PinnedAsyncBackend(policy),
            **_pool_options(limits),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.policy.check_url(request.url)
        return await super().handle_async_request(request)


def safe_client(policy: Policy | None = None, **options) -> httpx.Client:
    """An httpx client that only reaches public addresses. Use `fetch` to follow redirects."""
    transport = SafeTransport(
        policy or Policy.from_settings(), limits=options.pop("limits", DEFAULT_LIMITS)
    )
    # trust_env=False: a proxy from the environment would connect on our behalf, unchecked.
    return httpx.Client(
        transport=transport,
        trust_env=False,
        follow_redirects=False,
        timeout=options.pop("timeout", DEFAULT_TIMEOUT),
        **options,
    )


def safe_async_client(policy: Policy | None = None, **options) -> httpx.AsyncClient:
    transport = SafeAsyncTransport(
        policy or Policy.from_settings(), limits=options.pop("limits", DEFAULT_LIMITS)
    )
    return httpx.AsyncClient(
        transport=transport,
        trust_env=False,
        follow_redirects=False,
        timeout=options.pop("timeout", DEFAULT_TIMEOUT),
        **options,
    )


def _build_request(client, method: str, url: str, **options) -> httpx.Request:
    try:
        return client.build_request(method, url, **options)
    except httpx.InvalidURL as error:  # e.g. "0177.0.0.1", which some parsers read as octal
        raise _malformed(url) from error


def fetch(client: httpx.Client, method: str, url: str, **options) -> httpx.Response:
    """Send a request, following at most MAX_REDIRECTS redirects, each one checked again.

    httpx drops the Authorization header when a redirect leaves the origin.
    """
    request = _build_request(client, method, url, **options)
    for _hop in range(MAX_REDIRECTS + 1):
        response = client.send(request, follow_redirects=False)
        if response.next_request is None:
            return response
        response.close()
        request = response.next_request
    raise RefusedAddress(TOO_MANY_REDIRECTS, "too_many_redirects", url)


async def afetch(client: httpx.AsyncClient, method: str, url: str, **options) -> httpx.Response:
    request = _build_request(client, method, url, **options)
    for _hop in range(MAX_REDIRECTS + 1):
        response = await client.send(request, follow_redirects=False)
        if response.next_request is None:
            return response
        await response.aclose()
        request = response.next_request
    raise RefusedAddress(TOO_MANY_REDIRECTS, "too_many_redirects", url)
