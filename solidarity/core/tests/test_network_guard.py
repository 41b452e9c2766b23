"""The network guard stops any connect or lookup that would leave the machine.

Underneath the guard, the real socket functions are replaced by recorders first, so that even a
broken guard could not send anything out while these tests prove it works.
"""

import asyncio
import socket

import pytest

from solidarity.testing.network_guard import BlockedConnection, NetworkGuard


@pytest.fixture
def guard(monkeypatch):
    reached = []
    monkeypatch.setattr(socket.socket, "connect", lambda sock, address: reached.append(address))
    monkeypatch.setattr(socket.socket, "connect_ex", lambda sock, address: reached.append(address))
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, *a, **k: reached.append(host) or [])
    guard = NetworkGuard()
    guard.install(monkeypatch)
    guard.reached = reached
    return guard


@pytest.mark.parametrize(
    "address",
    [
        ("192.0.2.1", 443),
        ("10.0.0.1", 80),
        ("::ffff:127.0.0.1", 1),
        ("0.0.0.0", 80),  # noqa: S104  (blocked, nothing bound)
        ("example.org", 443),
    ],
)
def test_a_connect_beyond_loopback_is_blocked_and_recorded(guard, address):
    with socket.socket() as sock, pytest.raises(BlockedConnection):
        sock.connect(address)
    with socket.socket() as sock, pytest.raises(BlockedConnection):
        sock.connect_ex(address)
    assert guard.reached == []
    assert guard.connects == [address, address]
    with pytest.raises(pytest.fail.Exception, match="network guard blocked"):
        guard.assert_clean()


def test_loopback_connects_pass_and_are_recorded(guard):
    with socket.socket() as sock:
        sock.connect(("127.0.0.1", 9))
    assert guard.reached == [("127.0.0.1", 9)]
    assert guard.connects == [("127.0.0.1", 9)]
    guard.assert_clean()


def test_a_dns_lookup_is_blocked_but_literals_and_localhost_are_not(guard):
    with pytest.raises(BlockedConnection):
        socket.getaddrinfo("mastodon.social", 443)
    socket.getaddrinfo("127.0.0.1", 443)
    socket.getaddrinfo("localhost", 443)
    assert guard.reached == ["127.0.0.1", "localhost"]
    assert guard.lookups == ["mastodon.social"]


def test_asyncio_connects_are_blocked_too(guard):
    async def attempt():
        loop = asyncio.get_running_loop()
        with socket.socket() as sock:
            sock.setblocking(False)
            await loop.sock_connect(sock, ("198.51.100.7", 443))

    with pytest.raises(BlockedConnection):
        asyncio.run(attempt())
    assert guard.reached == []
    assert guard.violations == [
        "connection to 198.51.100.7:443 blocked"[: len("connection to 198.51.100.7:443")]
    ]
