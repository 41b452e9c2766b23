"""A supporter's server that answers with a redirect to a private address gets no request there.

aiohttp connects to an IP literal without asking a resolver, so the name check at connect time
cannot see such a hop; the session middleware does, on every hop. The network guard fails a
test that would connect beyond loopback, so a hop that got through could not hide.
"""

import asyncio
from datetime import timedelta
from http.server import BaseHTTPRequestHandler

import aiohttp
import pytest

from solidarity.campaigns.engine.moment import EngineSettings, run_moment
from solidarity.campaigns.engine.resolver import public_session
from solidarity.campaigns.models import Delivery
from solidarity.campaigns.networks.http import RefusedDestination
from solidarity.campaigns.tests.helpers import arm_now, solidarity_day
from solidarity.testing.loopback import LoopbackServer

pytestmark = pytest.mark.usefixtures("loopback_servers")

HOSTILE = [
    "10.0.0.1",
    "172.16.0.1",
    "192.168.0.1",
    "169.254.169.254",
    "[fd00::1]",
    "[::ffff:127.0.0.1]",  # loopback in IPv4-mapped form: refused even where loopback is not
    "[::ffff:a9fe:a9fe]",  # 169.254.169.254, mapped and spelled in hex
]


class Redirector(LoopbackServer):
    """A loopback server that sends every request to `target` with a 307 (method and body
    kept, as a POST would be replayed)."""

    def __init__(self, target: str):
        redirector = self

        class Handler(BaseHTTPRequestHandler):
            def _redirect(self):
                redirector.requests += 1
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                self.send_response(307)
                self.send_header("Location", f"http://{redirector.target}{self.path}")
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _redirect

            def log_message(self, *args):
                pass

        self.target = target
        self.requests = 0
        super().__init__(Handler)


@pytest.mark.parametrize("target", HOSTILE)
def test_a_redirect_to_a_private_literal_is_refused_before_any_connection(target, network_guard):
    async def follow(url):
        async with (
            public_session(aiohttp.ClientTimeout(total=5)) as http,
            http.get(f"{url}/api/v1/accounts/verify_credentials") as response,
        ):
            return response.status

    with Redirector(target) as server:
        with pytest.raises(RefusedDestination, match="not a public address"):
            asyncio.run(follow(server.url))
        assert server.requests == 1
    loopback_port = int(server.url.rsplit(":", 1)[1])
    assert {port for _host, port in network_guard.connects} == {loopback_port}


@pytest.mark.django_db(transaction=True)
def test_a_post_redirected_to_the_metadata_address_fails_and_goes_nowhere(network_guard):
    from solidarity.campaigns import actions

    campaign = solidarity_day(goal=1, slug="redirected", give_up_after=timedelta(seconds=20))
    with Redirector("169.254.169.254") as server:
        actions.do_pledge(
            campaign,
            network="mastodon",
            language="en",
            server=server.url,
            account_id="1",
            handle="someone",
            access_token="a-token-that-must-not-travel",
        )
        campaign = arm_now(campaign)
        asyncio.run(run_moment(campaign.pk, EngineSettings(request_timeout=3, refresh_every=0.2)))
        assert server.requests >= 1  # the post reached the supporter's server, and no further

    delivery = Delivery.objects.get(campaign=campaign)
    assert delivery.state == Delivery.State.FAILED
    assert "not a public address" in delivery.failure_reason
    loopback_port = int(server.url.rsplit(":", 1)[1])
    assert {port for _host, port in network_guard.connects} == {loopback_port}
