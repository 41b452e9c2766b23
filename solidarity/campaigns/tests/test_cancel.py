"""The kill switch: once cancel returns, nothing more goes out."""

import asyncio
import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from solidarity.campaigns import actions
from solidarity.campaigns.engine.moment import EngineSettings, run_moment
from solidarity.campaigns.models import Campaign, Delivery, Pledge
from solidarity.campaigns.tests.helpers import arm_now, pledge_mastodon, solidarity_day
from solidarity.testing.mastodon import LocalMastodon

pytestmark = pytest.mark.usefixtures("loopback_servers")

SLOW_POSTS = {
    "match": {"methods": ["POST"], "path": "/api/v1/statuses"},
    "effect": {"type": "latency", "delay_ms": 400},
}


@pytest.mark.django_db(transaction=True)
def test_nothing_goes_out_after_cancel_returns():
    with LocalMastodon() as server:
        server.add_fault(SLOW_POSTS)
        campaign = solidarity_day(goal=1, slug="cancelled")
        users = [server.create_user(f"c{n}") for n in range(40)]
        for user in users:
            pledge_mastodon(campaign, server, user)
        campaign = arm_now(campaign)

        settings = EngineSettings(
            per_host_concurrency=4, request_timeout=5, lease=timedelta(seconds=8), refresh_every=0.2
        )
        sender = threading.Thread(target=asyncio.run, args=(run_moment(campaign.pk, settings),))
        sender.start()
        deadline = time.monotonic() + 30
        while not Delivery.objects.filter(campaign=campaign, state=Delivery.State.POSTED).exists():
            assert time.monotonic() < deadline, "nothing was posted before the cancel"
            time.sleep(0.05)

        actions.do_cancel(Campaign.objects.get(pk=campaign.pk))
        posted_at_cancel = sum(len(server.statuses_of(user)) for user in users)
        time.sleep(2)
        sender.join(timeout=30)
        posted_later = sum(len(server.statuses_of(user)) for user in users)

    assert 0 < posted_at_cancel < len(users)
    assert posted_later == posted_at_cancel
    states = set(Delivery.objects.filter(campaign=campaign).values_list("state", flat=True))
    assert states == {Delivery.State.POSTED, Delivery.State.CANCELLED}
    assert Delivery.objects.filter(campaign=campaign, state=Delivery.State.POSTED).count() == (
        posted_at_cancel
    )
    assert Campaign.objects.get(pk=campaign.pk).state == Campaign.State.CANCELLED
    # Cancelling also gives every access back.
    assert set(Pledge.objects.filter(campaign=campaign).values_list("access_token", flat=True)) == {
        ""
    }


@pytest.mark.django_db(transaction=True)
def test_a_cancelled_campaign_is_never_armed_or_sent():
    campaign = solidarity_day(
        goal=1, slug="stopped-early", moment=timezone.now() + timedelta(hours=1)
    )
    actions.do_cancel(campaign)
    campaign.refresh_from_db()
    assert actions.do_close_pledging(campaign) == Campaign.State.CANCELLED
    asyncio.run(run_moment(campaign.pk))
    assert not Delivery.objects.filter(campaign=campaign).exists()
