"""At the moment, a supporter's server name is re-checked when the engine connects."""

import asyncio
import socket

import aiohttp
import pytest
from aiohttp.abc import AbstractResolver

from solidarity.campaigns.engine.resolver import PublicOnlyResolver


class StubResolver(AbstractResolver):
    """DNS as a table: no real lookup ever happens in these tests."""

    def __init__(self, table):
        self.table = table

    async def resolve(self, host, port=0, family=socket.AF_INET):
        return [
            {"hostname": host, "host": ip, "port": port, "family": family, "proto": 0, "flags": 0}
            for ip in self.table[host]
        ]

    async def close(self):
        pass


REBOUND = {
    "rebound.example": ["127.0.0.1"],
    "private.example": ["10.0.0.1", "192.168.0.1"],
    "mixed.example": ["93.184.215.14", "169.254.169.254"],
    "public.example": ["93.184.215.14"],
}


@pytest.mark.parametrize("host", ["rebound.example", "private.example"])
def test_a_name_that_moved_to_a_private_address_is_refused(host):
    resolver = PublicOnlyResolver(StubResolver(REBOUND), allow_loopback=False)
    with pytest.raises(OSError, match="no longer resolves to a public address"):
        asyncio.run(resolver.resolve(host, 443))


def test_only_the_public_addresses_of_a_name_are_used():
    resolver = PublicOnlyResolver(StubResolver(REBOUND), allow_loopback=False)
    answers = asyncio.run(resolver.resolve("mixed.example", 443))
    assert [a["host"] for a in answers] == ["93.184.215.14"]


def test_the_test_only_setting_admits_loopback_and_nothing_else():
    resolver = PublicOnlyResolver(StubResolver(REBOUND), allow_loopback=True)
    assert [a["host"] for a in asyncio.run(resolver.resolve("rebound.example", 80))] == [
        "127.0.0.1"
    ]
    with pytest.raises(OSError):
        asyncio.run(resolver.resolve("private.example", 80))


def test_the_engine_refuses_before_any_connection(network_guard):
    async def post():
        connector = aiohttp.TCPConnector(
            resolver=PublicOnlyResolver(StubResolver(REBOUND), allow_loopback=False)
        )
        async with aiohttp.ClientSession(connector=connector) as http:
            await http.post("http://rebound.example:8080/api/v1/statuses", data=b"x")

    with pytest.raises(aiohttp.ClientConnectorError):
        asyncio.run(post())
    assert network_guard.connects == []


@pytest.mark.django_db(transaction=True)
def test_preflight_and_revocation_recheck_the_name_too(network_guard, settings):
    """Not only the moment: pre-flight, image uploads, look-ups and revocation connect through
    `public_session` too, so a name that moved to a private address is refused there."""
    from solidarity.campaigns import actions
    from solidarity.campaigns.engine import preflight
    from solidarity.campaigns.models import Pledge
    from solidarity.campaigns.tests.helpers import solidarity_day
    from solidarity.campaigns.tests.test_campaign_image import with_image
    from solidarity.testing.mastodon import LocalMastodon

    with LocalMastodon() as server:
        user = server.create_user("moved")
        campaign = with_image(solidarity_day(slug="rebound"))
        name_url = server.url.replace("127.0.0.1", "localhost")  # a name that means loopback
        actions.do_pledge(
            campaign,
            network="mastodon",
            language="en",
            server=name_url,
            account_id=user.id,
            access_token=user.access_token,
        )
        settings.SOLIDARITY_ALLOW_LOOPBACK_SERVERS = False
        network_guard.connects.clear()

        assert preflight.run_preflight(campaign) == {"ready": 0, "broken": 1}
        assert "unreachable" in Pledge.objects.get(campaign=campaign).broken_reason
        actions.release_campaign(campaign)

        port = int(server.url.rsplit(":", 1)[1])
        assert [c for c in network_guard.connects if c[1] == port] == []
        assert server.token_works(user)  # never reached, so never revoked
