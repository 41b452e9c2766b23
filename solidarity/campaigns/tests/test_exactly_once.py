"""Exactly once when servers misbehave: each fault the issue names, one at a time."""

import asyncio
from datetime import timedelta

import pytest
from django.utils import timezone

from solidarity.campaigns.engine.moment import EngineSettings, run_moment
from solidarity.campaigns.models import Delivery
from solidarity.campaigns.tests.helpers import arm_now, pledge_mastodon, solidarity_day
from solidarity.testing.faultproxy import FaultProxy, Faults
from solidarity.testing.mastodon import LocalMastodon

pytestmark = pytest.mark.usefixtures("loopback_servers")

FAST = EngineSettings(request_timeout=1.5, lease=timedelta(seconds=3), refresh_every=0.2)


@pytest.fixture(scope="module")
def server():
    with LocalMastodon() as mastodon:
        yield mastodon


class ProxiedServer:
    """A server as supporters see it: its URL is the proxy's."""

    def __init__(self, server, proxy):
        self.url, self.server = proxy.url, server


def run_with(server, faults: Faults, supporters: int, name: str):
    campaign = solidarity_day(goal=1, slug=name, give_up_after=timedelta(seconds=40))
    with FaultProxy(server.url, faults) as proxy:
        users = [server.create_user(f"{name}{n}") for n in range(supporters)]
        for user in users:
            pledge_mastodon(campaign, ProxiedServer(server, proxy), user)
        campaign = arm_now(campaign)
        asyncio.run(run_moment(campaign.pk, FAST))
    posts = [len(server.statuses_of(user)) for user in users]
    return campaign, posts, proxy.counters


def states(campaign):
    return sorted(Delivery.objects.filter(campaign=campaign).values_list("state", flat=True))


@pytest.mark.django_db(transaction=True)
def test_server_that_ignores_the_key_and_fails_after_creating(server):
    faults = Faults(ignore_idempotency_key=True, error_after=0.5, seed=1)
    campaign, posts, counters = run_with(server, faults, 12, "ignorer")
    assert counters.injected.get("500-after", 0) >= 3  # the fault really happened
    assert posts == [1] * 12
    assert states(campaign) == [Delivery.State.POSTED] * 12


@pytest.mark.django_db(transaction=True)
def test_timeouts_and_resets_after_creating_are_looked_up_not_resent(server):
    faults = Faults(ignore_idempotency_key=True, timeout_after=0.25, reset_after=0.25, seed=2)
    campaign, posts, counters = run_with(server, faults, 12, "hanger")
    assert counters.injected.get("timeout", 0) >= 1
    assert counters.injected.get("reset", 0) >= 1
    assert posts == [1] * 12
    assert counters.forwarded_writes == 12  # every unknown was settled by a lookup
    assert states(campaign) == [Delivery.State.POSTED] * 12


@pytest.mark.django_db(transaction=True)
def test_a_retry_with_the_same_key_answered_500_after_creating(server):
    # The first attempt fails before reaching the server; its retry creates the status and
    # is answered 500, as Mastodon has done for a repeated key.
    faults = Faults(error_before=1.0, seed=3)
    campaign = solidarity_day(goal=1, slug="samekey", give_up_after=timedelta(seconds=40))
    with FaultProxy(server.url, faults) as proxy:
        users = [server.create_user(f"samekey{n}") for n in range(4)]
        for user in users:
            pledge_mastodon(campaign, ProxiedServer(server, proxy), user)
        campaign = arm_now(campaign)

        async def heal_after_first_round():
            await asyncio.sleep(0.5)
            proxy.faults.error_before = 0.0
            proxy.faults.same_key_error_after = True

        async def moment():
            await asyncio.gather(run_moment(campaign.pk, FAST), heal_after_first_round())

        asyncio.run(moment())
    assert proxy.counters.injected.get("same-key-500", 0) == 4
    assert [len(server.statuses_of(user)) for user in users] == [1] * 4
    assert states(campaign) == [Delivery.State.POSTED] * 4


@pytest.mark.django_db(transaction=True)
def test_429_waits_for_retry_after(server):
    faults = Faults(rate_limited=3, rate_limit_headers={"Retry-After": "2"})
    started = timezone.now()
    campaign, posts, counters = run_with(server, faults, 3, "limited")
    assert counters.injected["429"] == 3
    assert posts == [1] * 3
    first_post = min(Delivery.objects.filter(campaign=campaign).values_list("posted_at", flat=True))
    assert (first_post - started).total_seconds() >= 2
