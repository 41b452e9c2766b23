"""A guard on the socket layer: tests may reach loopback and nothing else, not even DNS.

The `network_guard` fixture wraps socket connects (blocking and asyncio), sendto and the name
lookups. A connect to an address outside 127.0.0.0/8 and ::1, or a lookup of any name but
localhost, raises `BlockedConnection` before anything leaves the machine, and the test fails at
teardown even if the code under test swallowed that exception. Every connect attempt, loopback
included, is recorded, so a test can assert that no connection was attempted at all.

Use it in a test module with `from solidarity.testing.network_guard import network_guard`.
"""

from __future__ import annotations

import asyncio.selector_events
import ipaddress
import socket
from dataclasses import dataclass, field

import pytest


class BlockedConnection(RuntimeError):
    """Raised instead of a connect or lookup that would leave this machine."""


def is_loopback(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv4Address):
        return address in ipaddress.IPv4Network("127.0.0.0/8")
    return address == ipaddress.IPv6Address("::1")


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return True


@dataclass
class NetworkGuard:
    connects: list[tuple[str, int]] = field(default_factory=list)
    lookups: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def connected_ports(self) -> list[int]:
        return [port for _host, port in self.connects]

    def _block(self, what: str):
        self.violations.append(what)
        raise BlockedConnection(f"network guard: {what} blocked; tests may only reach loopback")

    def _check_destination(self, address, *, record: bool) -> None:
        if not isinstance(address, tuple):
            return  # a Unix socket path never leaves the machine
        host, port = str(address[0]), int(address[1])
        if record:
            self.connects.append((host, port))
        if not is_loopback(host):
            self._block(f"connection to {host}:{port}")

    def _check_name(self, host) -> None:
        name = host.decode() if isinstance(host, bytes) else host
        if name is None or _is_ip_literal(str(name)) or name == "localhost":
            return  # no DNS query: a literal is parsed locally, localhost read from /etc/hosts
        self.lookups.append(str(name))
        self._block(f"DNS lookup of {name!r}")

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        guard = self
        connect = socket.socket.connect
        connect_ex = socket.socket.connect_ex
        sendto = socket.socket.sendto
        getaddrinfo = socket.getaddrinfo
        gethostbyname = socket.gethostbyname
        gethostbyname_ex = socket.gethostbyname_ex
        sock_connect = asyncio.selector_events.BaseSelectorEventLoop.sock_connect

        def guarded_connect(sock, address):
            guard._check_destination(address, record=True)
            return connect(sock, address)

        def guarded_connect_ex(sock, address):
            guard._check_destination(address, record=True)
            return connect_ex(sock, address)

        def guarded_sendto(sock, data, *args):
            guard._check_destination(args[-1], record=False)
            return sendto(sock, data, *args)

        def guarded_getaddrinfo(host, *args, **kwargs):
            guard._check_name(host)
            return getaddrinfo(host, *args, **kwargs)

        def guarded_gethostbyname(host):
            guard._check_name(host)
            return gethostbyname(host)

        def guarded_gethostbyname_ex(host):
            guard._check_name(host)
            return gethostbyname_ex(host)

        async def guarded_sock_connect(loop, sock, address):
            # The socket-level guard records it; this catches it before the event loop does.
            guard._check_destination(address, record=False)
            return await sock_connect(loop, sock, address)

        monkeypatch.setattr(socket.socket, "connect", guarded_connect)
        monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
        monkeypatch.setattr(socket.socket, "sendto", guarded_sendto)
        monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
        monkeypatch.setattr(socket, "gethostbyname", guarded_gethostbyname)
        monkeypatch.setattr(socket, "gethostbyname_ex", guarded_gethostbyname_ex)
        monkeypatch.setattr(
            asyncio.selector_events.BaseSelectorEventLoop, "sock_connect", guarded_sock_connect
        )

    def assert_clean(self) -> None:
        if self.violations:
            pytest.fail("network guard blocked: " + "; ".join(self.violations), pytrace=False)


@pytest.fixture
def network_guard(monkeypatch: pytest.MonkeyPatch):
    guard = NetworkGuard()
    guard.install(monkeypatch)
    yield guard
    guard.assert_clean()
