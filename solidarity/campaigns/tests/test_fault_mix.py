"""The moment under a realistic mix of faults, compared with the same moment without them.

Two hosts answer 10 % of posts with a 5xx (half of them after creating the status) and let
5 % time out after creating it, and one of them does the same to look-ups; one host
rate-limits with Retry-After; one host is down; one host is healthy. Everything deliverable
must arrive before the deadline, exactly once, the dead host's posts must be reported with a
reason, and the healthy host must not be slowed.
"""

import asyncio
import statistics
from datetime import timedelta

import pytest
from django.utils import timezone

from solidarity.campaigns.engine.moment import EngineSettings, run_moment
from solidarity.campaigns.models import Delivery
from solidarity.campaigns.tests.helpers import arm_now, pledge_mastodon, solidarity_day
from solidarity.testing.faultproxy import FaultProxy, Faults
from solidarity.testing.mastodon import LocalMastodon, free_port

pytestmark = pytest.mark.usefixtures("loopback_servers")

PER_HOST = 30
SETTINGS = EngineSettings(
    per_host_concurrency=8, request_timeout=2, lease=timedelta(seconds=4), refresh_every=0.2
)


class Front:
    def __init__(self, url):
        self.url = url


def moment(servers, fronts, name):
    campaign = solidarity_day(goal=1, slug=name, give_up_after=timedelta(seconds=25))
    users = {}
    for index, (server, front) in enumerate(zip(servers, fronts, strict=True)):
        for n in range(PER_HOST):
            user = server.create_user(f"{name}{index}x{n}") if server else None
            pledge = pledge_mastodon(campaign, front, user or Ghost(n)).pledge
            users[pledge.pk] = (index, server, user)
    campaign = arm_now(campaign, moment=timezone.now() + timedelta(seconds=1))
    asyncio.run(run_moment(campaign.pk, SETTINGS))
    return campaign, users


class Ghost:  # an account on the host that is down
    def __init__(self, n):
        self.id, self.username, self.access_token = str(n), f"ghost{n}", "t"


def lateness_of(campaign, users, host_index):
    return [
        (d.posted_at - campaign.moment).total_seconds()
        for d in Delivery.objects.filter(campaign=campaign, state=Delivery.State.POSTED)
        if users[d.pledge_id][0] == host_index
    ]


@pytest.mark.django_db(transaction=True)
def test_deliverable_posts_arrive_once_and_the_healthy_host_is_not_slowed():
    with (
        LocalMastodon() as a,
        LocalMastodon() as b,
        LocalMastodon() as c,
        LocalMastodon() as healthy,
    ):
        calm_campaign, calm_users = moment([healthy], [healthy], "calm")
        calm = lateness_of(calm_campaign, calm_users, 0)

        faulty = Faults(error_before=0.05, error_after=0.05, timeout_after=0.05, seed=11)
        with (
            FaultProxy(a.url, faulty) as front_a,
            FaultProxy(
                b.url, Faults(**(faulty.__dict__ | {"seed": 12, "faulty_reads": True}))
            ) as front_b,
            FaultProxy(
                c.url, Faults(rate_limited=PER_HOST, rate_limit_headers={"Retry-After": "2"})
            ) as front_c,
        ):
            down = Front(f"http://127.0.0.1:{free_port()}")
            servers = [a, b, c, None, healthy]
            fronts = [front_a, front_b, front_c, down, healthy]
            campaign, users = moment(servers, fronts, "stormy")

        by_state = {}
        for delivery in Delivery.objects.filter(campaign=campaign):
            host = users[delivery.pledge_id][0]
            by_state.setdefault(host, []).append(delivery)
        for host in (0, 1, 2, 4):
            assert {d.state for d in by_state[host]} == {Delivery.State.POSTED}, host
            assert all(d.posted_at < campaign.give_up_at for d in by_state[host])
        assert {d.state for d in by_state[3]} == {Delivery.State.FAILED}
        assert all("connect" in d.failure_reason for d in by_state[3])

        counts = [
            len(server.statuses_of(user))
            for index, server, user in users.values()
            if server is not None and index != 4
        ]
        assert counts == [1] * (3 * PER_HOST)
        assert [len(healthy.statuses_of(user)) for i, _s, user in users.values() if i == 4] == [
            1
        ] * PER_HOST

    # The faults really happened: 5xx before and after creating, and timeouts.
    injected = [front_a.counters.injected, front_b.counters.injected]
    assert sum(i.get("500-before", 0) + i.get("500-after", 0) for i in injected) >= 3, injected
    assert sum(i.get("timeout", 0) for i in injected) >= 1, injected
    assert front_c.counters.injected["429"] == PER_HOST
    # The rate-limited host was left alone for the two seconds its Retry-After asked.
    assert min(lateness_of(campaign, users, 2)) >= 1.9

    stormy = lateness_of(campaign, users, 4)
    # The healthy host's posts are as prompt as on a calm day (a second of slack for a
    # loaded test machine), whatever the other hosts are doing.
    assert statistics.median(stormy) <= statistics.median(calm) + 1.0
    assert max(stormy) <= max(calm) + 1.5
