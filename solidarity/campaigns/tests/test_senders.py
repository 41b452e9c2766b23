"""Several sender processes share one moment, each sending to hosts of its own."""

import asyncio
from datetime import timedelta

import pytest
from django.utils import timezone

from solidarity.campaigns import actions
from solidarity.campaigns.engine import ledger
from solidarity.campaigns.engine.moment import EngineSettings, Shard, run_moment
from solidarity.campaigns.models import Campaign, Delivery
from solidarity.campaigns.tests.helpers import arm_now, pledge_mastodon, solidarity_day
from solidarity.testing.mastodon import LocalMastodon

pytestmark = pytest.mark.usefixtures("loopback_servers")
FAST = EngineSettings(request_timeout=3, lease=timedelta(seconds=5), refresh_every=0.2)


def armed_over(sizes: list[int], slug: str) -> Campaign:
    """Armed, with sizes[i] supporters on host i (servers named, never contacted)."""
    campaign = solidarity_day(goal=1, slug=slug)
    for host, size in enumerate(sizes):
        for number in range(size):
            actions.do_pledge(
                campaign,
                network="mastodon",
                language="en",
                server=f"https://m{host}.example",
                account_id=f"{host}-{number}",
                access_token="t",
            )
    return arm_now(campaign, moment=timezone.now() + timedelta(hours=1))


@pytest.mark.django_db
def test_hosts_are_dealt_largest_first_to_the_sender_with_fewest_posts():
    campaign = armed_over([17, 8, 5, 4, 3, 2, 1], "dealt")
    hands = [ledger.shard_hosts(campaign.pk, index, 2) for index in range(2)]

    assert hands == [ledger.shard_hosts(campaign.pk, index, 2) for index in range(2)]
    assert set(hands[0]).isdisjoint(hands[1])
    every_host = set(Delivery.objects.values_list("host", flat=True))
    assert set(hands[0]) | set(hands[1]) == every_host
    posts = [Delivery.objects.filter(host__in=hand).count() for hand in hands]
    assert sorted(posts) == [20, 20]  # 17+3 and 8+5+4+2+1
    assert ledger.shard_hosts(campaign.pk, 0, 1) is None  # one sender: every host


@pytest.mark.django_db(transaction=True)
def test_two_senders_post_every_pledge_exactly_once():
    with LocalMastodon() as big, LocalMastodon() as middle, LocalMastodon() as small:
        campaign = solidarity_day(goal=1, slug="two-senders")
        users = []
        for server, size in ((big, 5), (middle, 3), (small, 2)):
            for number in range(size):
                user = server.create_user(f"sender{size}x{number}")
                pledge_mastodon(campaign, server, user)
                users.append((server, user))
        campaign = arm_now(campaign, moment=timezone.now() + timedelta(seconds=1))

        async def both():
            await asyncio.gather(
                run_moment(campaign.pk, FAST, "first", Shard(0, 2)),
                run_moment(campaign.pk, FAST, "second", Shard(1, 2)),
            )

        asyncio.run(both())
        assert [len(server.statuses_of(user)) for server, user in users] == [1] * 10

    states = set(Delivery.objects.filter(campaign=campaign).values_list("state", flat=True))
    assert states == {Delivery.State.POSTED}
    assert Campaign.objects.get(pk=campaign.pk).state == Campaign.State.DONE


@pytest.mark.parametrize("text", ["2/2", "-1/2", "a/2", "1/0"])
def test_a_sender_number_outside_its_count_is_refused(text):
    with pytest.raises(ValueError, match=r"I/N|invalid literal"):
        Shard.parse(text)
    assert Shard.parse("1/2") == Shard(1, 2)
