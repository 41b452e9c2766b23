"""Server addresses that supporters type reach public servers only (SSRF).

Every test runs with the socket layer guarded (`network_guard`, registered in conftest.py): a
connect to anything but loopback, or a real DNS lookup, fails the test before it leaves the
machine. Names are resolved by `StubResolver`. Where a test needs a "public" server to answer, a
loopback server stands in for it through `Policy.trusted_endpoints`, and only that exact
(address, port) is treated as public.
"""

import asyncio
import http.server
import socket
import threading

import pytest
from django.test import override_settings

from solidarity.core.safe_http import (
    MAX_REDIRECTS,
    Policy,
    RefusedAddress,
    afetch,
    check_address,
    check_server,
    fetch,
    normalise_server,
    safe_async_client,
    safe_client,
)

pytestmark = pytest.mark.usefixtures("network_guard")

# Public addresses that tests may name but never connect to (the guard would fail them).
PUBLIC_V4 = "93.184.215.14"
PUBLIC_V6 = "2606:4700:4700::1111"


class StubResolver:
    """Answers from a table; a list of answers is given out in turn, the last one repeating."""

    def __init__(self, answers: dict[str, list]):
        self.answers = answers
        self.calls: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        if host not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "stub: unknown name")
        answer = self.answers[host]
        if answer and isinstance(answer[0], list):
            return answer[min(self.calls.count(host), len(answer)) - 1]
        return answer


class LoopbackServer:
    """A real HTTP server on 127.0.0.1 that answers each path with a status and headers."""

    def __init__(self):
        self.routes: dict[str, tuple[int, dict[str, str]]] = {}
        self.requests: list[tuple[str, str]] = []  # (path, Host header)
        self.authorizations: list[str | None] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, so a pooled connection is reused

            def do_GET(self):
                server.requests.append((self.path, self.headers.get("Host", "")))
                server.authorizations.append(self.headers.get("Authorization"))
                status, headers = server.routes.get(self.path, (200, {}))
                body = b"ok"
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def servers():
    started = [LoopbackServer(), LoopbackServer()]
    yield started
    for server in started:
        server.close()


def stub_policy(**options) -> Policy:
    resolver = StubResolver(
        {
            "loopback.example": ["127.0.0.1"],
            "loopback6.example": ["::1"],
            "private.example": ["10.0.0.1"],
            "metadata.example": ["169.254.169.254"],
            "mixed.example": [PUBLIC_V4, "192.168.1.10"],
            "public.example": [PUBLIC_V4, PUBLIC_V6],
        }
    )
    return Policy(resolver=resolver, **options)


# What a supporter might type, and why it is refused.
HOSTILE = [
    ("127.0.0.1", "not_public"),
    ("localhost", "not_public"),
    ("sub.localhost", "not_public"),
    ("10.0.0.1", "not_public"),
    ("172.16.0.1", "not_public"),
    ("192.168.0.1", "not_public"),
    ("169.254.169.254", "not_public"),
    ("[::1]", "not_public"),
    ("[fd00::1]", "not_public"),
    ("[fe80::1]", "not_public"),
    ("[ff02::1]", "not_public"),
    ("0.0.0.0", "not_public"),  # noqa: S104  (an address refused, nothing bound)
    ("100.64.0.1", "not_public"),
    ("198.18.0.1", "not_public"),
    ("192.0.2.1", "not_public"),
    ("224.0.0.1", "not_public"),
    ("255.255.255.255", "not_public"),
    ("[64:ff9b::a00:1]", "not_public"),  # NAT64 of 10.0.0.1
    ("[2002:7f00:1::1]", "not_public"),  # 6to4 of 127.0.0.1
    ("[2001:db8::1]", "not_public"),
    ("loopback.example", "not_public"),
    ("loopback6.example", "not_public"),
    ("private.example", "not_public"),
    ("metadata.example", "not_public"),
    ("mixed.example", "not_public"),  # one private address taints the name
    ("[::ffff:127.0.0.1]", "malformed"),
    ("[::ffff:7f00:1]", "malformed"),
    ("[::127.0.0.1]", "malformed"),
    ("0x7f.1", "malformed"),
    ("0x7f000001", "malformed"),
    ("2130706433", "malformed"),
    ("127.1", "malformed"),
    ("0177.0.0.1", "malformed"),
    ("unknown.example", "unresolvable"),
]


@pytest.mark.parametrize(("typed", "reason"), HOSTILE)
def test_a_hostile_address_is_refused_by_the_pledge_form_check(typed, reason, network_guard):
    with pytest.raises(RefusedAddress) as refused:
        check_server(typed, stub_policy())
    assert refused.value.reason == reason
    assert network_guard.connects == []


@pytest.mark.parametrize(("typed", "reason"), HOSTILE)
def test_a_hostile_address_is_refused_without_any_connection(typed, reason, network_guard):
    with safe_client(stub_policy()) as client, pytest.raises(RefusedAddress) as refused:
        fetch(client, "GET", f"https://{typed}/api/v2/instance")
    assert refused.value.reason == reason
    assert network_guard.connects == []


def test_the_refusal_speaks_to_the_supporter():
    with pytest.raises(RefusedAddress) as refused:
        check_server("@olena@169.254.169.254", stub_policy())
    assert str(refused.value).startswith("This server's address is not public")
    assert "169.254.169.254" in refused.value.detail
    with pytest.raises(RefusedAddress) as malformed:
        check_server("0x7f.1", stub_policy())
    assert str(malformed.value).startswith("This does not look like a server address")


def test_loopback_admitted_for_the_integration_tests_only_and_never_a_private_range():
    for address in ("127.0.0.1", "127.3.2.1", "::1"):
        check_address(address, allow_loopback=True)
        with pytest.raises(RefusedAddress):
            check_address(address)
    for address in ("10.0.0.1", "169.254.169.254", "::ffff:127.0.0.1", "0.0.0.0", "fd00::1"):  # noqa: S104
        with pytest.raises(RefusedAddress):
            check_address(address, allow_loopback=True)


def test_the_setting_decides_the_default_policy():
    assert not Policy.from_settings().allow_loopback
    with override_settings(SOLIDARITY_ALLOW_LOOPBACK_SERVERS=True):
        assert Policy.from_settings().allow_loopback
        assert check_server("localhost:8080") == "localhost:8080"


def test_public_addresses_pass_without_being_contacted(network_guard):
    for address in (PUBLIC_V4, PUBLIC_V6, "64:ff9b::5db8:d70e"):  # the last: NAT64, public
        check_address(address)
    assert check_server("@olena@public.example", stub_policy()) == "public.example"
    assert network_guard.connects == []


@pytest.mark.parametrize(
    ("typed", "server"),
    [
        ("mastodon.social", "mastodon.social"),
        ("https://Mastodon.Social/", "mastodon.social"),
        ("http://mastodon.social", "mastodon.social"),
        ("@ales@mastodon.social", "mastodon.social"),
        ("ales@mastodon.social", "mastodon.social"),
        ("  mastodon.social.\n", "mastodon.social"),
        ("mastodon.social:8443", "mastodon.social:8443"),
        ("https://mastodon.social:443/", "mastodon.social"),
        ("bär.example", "xn--br-via.example"),
        ("[2606:4700:4700:0::1111]", "[2606:4700:4700::1111]"),
    ],
)
def test_what_a_supporter_types_is_normalised(typed, server):
    assert normalise_server(typed) == server


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "mastodon",
        "https://olena:secret@mastodon.social",
        "https://@mastodon.social",
        "mastodon.social/@olena",
        "https://mastodon.social?next=/",
        "https://mastodon.social#top",
        "ftp://mastodon.social",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "gopher://mastodon.social",
        "mastodon.social:0",
        "mastodon.social:99999",
        "exa mple.org",
        "under_score.example",
        "a@b@c.example",
        "[fe80::1%25eth0]",
    ],
)
def test_anything_but_a_server_address_is_refused(typed):
    with pytest.raises(RefusedAddress) as refused:
        normalise_server(typed)
    assert refused.value.reason == "malformed"


def test_the_connection_goes_to_the_checked_address_and_keeps_the_name(servers, network_guard):
    server = servers[0]
    resolver = StubResolver({"mastodon.test": ["127.0.0.1"]})
    policy = Policy(resolver=resolver, allow_loopback=True, allow_http=True)
    with safe_client(policy) as client:
        response = fetch(client, "GET", f"http://mastodon.test:{server.port}/api/v2/instance")
        fetch(client, "GET", f"http://mastodon.test:{server.port}/again")
    assert response.status_code == 200
    assert server.requests[0] == ("/api/v2/instance", f"mastodon.test:{server.port}")
    # One resolution for the one pooled connection, and the socket went to the checked address.
    assert resolver.calls == ["mastodon.test"]
    assert network_guard.connects == [("127.0.0.1", server.port)]


def test_plain_http_is_refused_to_real_servers(servers, network_guard):
    with safe_client(stub_policy()) as client, pytest.raises(RefusedAddress) as refused:
        fetch(client, "GET", "http://public.example/")
    assert refused.value.reason == "not_https"
    assert network_guard.connects == []


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{port}/",
        "http://localhost:{port}/",
        "http://loopback.example:{port}/",
        "http://[::1]:{port}/",
        "http://2130706433:{port}/",
        "http://10.0.0.1:{port}/",
    ],
)
def test_a_public_name_redirecting_to_loopback_is_refused(target, servers, network_guard):
    public, internal = servers
    public.routes["/"] = (302, {"Location": target.format(port=internal.port)})
    resolver = StubResolver({"public.test": ["127.0.0.1"], "loopback.example": ["127.0.0.1"]})
    # Only the stand-in "public" server counts as public; every other loopback address does not.
    policy = Policy(
        resolver=resolver,
        allow_http=True,
        trusted_endpoints=frozenset({("127.0.0.1", public.port)}),
    )
    with safe_client(policy) as client, pytest.raises(RefusedAddress) as refused:
        fetch(client, "GET", f"http://public.test:{public.port}/")
    assert refused.value.reason in {"not_public", "malformed"}
    assert public.requests == [("/", f"public.test:{public.port}")]
    assert internal.requests == []
    assert network_guard.connects == [("127.0.0.1", public.port)]


def test_redirects_stop_after_the_limit(servers, network_guard):
    server = servers[0]
    server.routes["/loop"] = (302, {"Location": "/loop"})
    policy = Policy(
        resolver=StubResolver({"public.test": ["127.0.0.1"]}),
        allow_http=True,
        trusted_endpoints=frozenset({("127.0.0.1", server.port)}),
    )
    with safe_client(policy) as client, pytest.raises(RefusedAddress) as refused:
        fetch(client, "GET", f"http://public.test:{server.port}/loop")
    assert refused.value.reason == "too_many_redirects"
    assert len(server.requests) == MAX_REDIRECTS + 1


def test_a_redirect_within_the_limit_is_followed_and_drops_credentials(servers, network_guard):
    first, second = servers
    first.routes["/"] = (302, {"Location": f"http://other.test:{second.port}/landing"})
    policy = Policy(
        resolver=StubResolver({"public.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]}),
        allow_http=True,
        trusted_endpoints=frozenset({("127.0.0.1", first.port), ("127.0.0.1", second.port)}),
    )
    with safe_client(policy) as client:
        response = fetch(
            client,
            "GET",
            f"http://public.test:{first.port}/",
            headers={"Authorization": "Bearer supporter-token"},
        )
    assert response.status_code == 200
    assert network_guard.connects == [("127.0.0.1", first.port), ("127.0.0.1", second.port)]
    assert second.requests == [("/landing", f"other.test:{second.port}")]
    assert first.authorizations == ["Bearer supporter-token"]
    assert second.authorizations == [None]  # a token never follows a redirect to another host


def test_dns_rebinding_is_refused_at_connect_time(network_guard):
    # Public when the pledge form checks it, loopback when the platform connects.
    resolver = StubResolver({"rebind.example": [[PUBLIC_V4], ["127.0.0.1"]]})
    policy = Policy(resolver=resolver)
    assert check_server("rebind.example", policy) == "rebind.example"
    with safe_client(policy) as client, pytest.raises(RefusedAddress) as refused:
        fetch(client, "GET", "https://rebind.example/api/v1/instance")
    assert refused.value.reason == "not_public"
    assert resolver.calls == ["rebind.example", "rebind.example"]
    assert network_guard.connects == []


def test_the_connect_never_resolves_again_after_the_check(servers, network_guard):
    # Should anything re-resolve between check and connect, it would get a private address.
    server = servers[0]
    resolver = StubResolver({"pinned.test": [["127.0.0.1"], ["10.0.0.1"]]})
    policy = Policy(
        resolver=resolver,
        allow_http=True,
        trusted_endpoints=frozenset({("127.0.0.1", server.port)}),
    )
    with safe_client(policy) as client:
        assert fetch(client, "GET", f"http://pinned.test:{server.port}/").status_code == 200
    assert resolver.calls == ["pinned.test"]
    assert network_guard.connects == [("127.0.0.1", server.port)]


def test_the_async_client_is_guarded_the_same_way(servers, network_guard):
    public, internal = servers
    public.routes["/"] = (302, {"Location": f"http://127.0.0.1:{internal.port}/"})
    policy = Policy(
        resolver=StubResolver({"public.test": ["127.0.0.1"]}),
        allow_http=True,
        trusted_endpoints=frozenset({("127.0.0.1", public.port)}),
    )

    async def scenario():
        async with safe_async_client(policy) as client:
            ok = await afetch(client, "GET", f"http://public.test:{public.port}/fine")
            with pytest.raises(RefusedAddress) as refused:
                await afetch(client, "GET", f"http://public.test:{public.port}/")
            with pytest.raises(RefusedAddress):
                await afetch(client, "GET", "https://private.example/")
        return ok, refused.value

    ok, refusal = asyncio.run(scenario())
    assert ok.status_code == 200
    assert refusal.reason == "not_public"
    assert internal.requests == []
    assert set(network_guard.connects) == {("127.0.0.1", public.port)}
