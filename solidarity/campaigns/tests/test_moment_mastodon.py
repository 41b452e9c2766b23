"""The moment against real Mastodon-API servers on loopback."""

import asyncio
from datetime import timedelta

import pytest
from django.utils import timezone

from solidarity.campaigns import actions
from solidarity.campaigns.engine.moment import EngineSettings, run_moment
from solidarity.campaigns.models import Campaign, Delivery, Pledge
from solidarity.campaigns.tests.helpers import (
    arm_now,
    pledge_mastodon,
    solidarity_day,
)
from solidarity.testing.mastodon import LocalMastodon

pytestmark = pytest.mark.usefixtures("loopback_servers")

FAST = EngineSettings(request_timeout=3, lease=timedelta(seconds=5), refresh_every=0.2)


@pytest.fixture(scope="module")
def two_servers():
    with LocalMastodon() as first, LocalMastodon() as second:
        yield first, second


@pytest.mark.django_db(transaction=True)
def test_every_pledge_posts_once_at_the_moment_and_access_is_revoked(two_servers):
    campaign = solidarity_day(goal=6)
    supporters = []
    for number, server in enumerate(two_servers * 3):
        user = server.create_user(f"supporter{number}")
        pledge_mastodon(campaign, server, user)
        supporters.append((server, user))

    campaign = arm_now(campaign, moment=timezone.now() + timedelta(seconds=1))
    assert campaign.state == Campaign.State.ARMED
    asyncio.run(run_moment(campaign.pk, FAST))

    for server, user in supporters:
        statuses = server.statuses_of(user)
        assert len(statuses) == 1
        assert "#FreeAles" in statuses[0]["content"]
    deliveries = Delivery.objects.filter(campaign=campaign)
    assert {d.state for d in deliveries} == {Delivery.State.POSTED}
    assert all(d.posted_at >= campaign.moment - timedelta(seconds=1) for d in deliveries)

    actions.release_campaign(campaign)
    assert not any(server.token_works(user) for server, user in supporters)
    assert set(Pledge.objects.values_list("access_token", flat=True)) == {""}
    assert Campaign.objects.get(pk=campaign.pk).state == Campaign.State.DONE


@pytest.mark.django_db(transaction=True)
def test_goal_not_reached_posts_nothing_and_revokes(two_servers):
    first, _ = two_servers
    campaign = solidarity_day(goal=3, slug="too-few")
    user = first.create_user("lonely")
    pledge_mastodon(campaign, first, user, email="lonely@example.org")

    campaign = arm_now(campaign)
    assert campaign.state == Campaign.State.GOAL_NOT_REACHED
    assert not Delivery.objects.filter(campaign=campaign).exists()
    assert first.statuses_of(user) == []
    assert not first.token_works(user)
