"""Posting with DPoP-bound tokens on the real local PDS: the nonce retry, idempotent creation,
and refreshing sessions (in the preflight, and again just before the moment)."""

import asyncio
from datetime import timedelta

import aiohttp
import pytest
from django.utils import timezone

from solidarity.campaigns.engine.preflight import run_preflight
from solidarity.campaigns.engine.prepare import account_for
from solidarity.campaigns.models import Pledge
from solidarity.campaigns.networks.base import Outcome, Post
from solidarity.campaigns.networks.bluesky import oauth, sessions
from solidarity.campaigns.networks.bluesky.adapter import ADAPTER, new_record_key
from solidarity.campaigns.tests.bluesky_helpers import (
    PASSWORD,
    DPoPProbe,
    bluesky_settings,  # noqa: F401 (a fixture)
    chromium,
    ipv6_live_server,  # noqa: F401 (a fixture)
    pledge_programmatically,
    unique_handle,
)
from solidarity.campaigns.tests.helpers import FREE_ALES, arm_now, solidarity_day
from solidarity.testing.bluesky import query

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("bluesky_settings"),
]


def oauth_pledge(bluesky_pds, slug: str) -> Pledge:
    campaign = solidarity_day(slug=slug)
    handle = unique_handle("p")
    bluesky_pds.create_account(handle, PASSWORD)
    with chromium() as browser:
        pledge_programmatically(browser, campaign, handle)
    return Pledge.objects.get(campaign=campaign)


def a_post(language: str = "en") -> Post:
    return Post(
        delivery_id=1,
        text=FREE_ALES,
        language=language,
        idempotency_key="unused-on-bluesky",
        record_key=new_record_key(),
        not_before=timezone.now().replace(microsecond=0),
    )


async def with_trace(work):
    """Run `work(http)` and return its result with every (method, path, status) it sent."""
    seen = []
    trace = aiohttp.TraceConfig()

    async def on_end(_session, _context, params):
        seen.append((params.method, params.url.path, params.response.status))

    trace.on_request_end.append(on_end)
    async with aiohttp.ClientSession(trace_configs=[trace]) as http:
        return await work(http), seen


def records(pds_url: str, did: str) -> list[dict]:
    listed = query(
        pds_url, "com.atproto.repo.listRecords", {"repo": did, "collection": "app.bsky.feed.post"}
    )
    return listed["records"]


def test_a_stale_dpop_nonce_is_refused_once_then_the_post_goes_through(bluesky_pds):
    pledge = oauth_pledge(bluesky_pds, "bsky-nonce")
    account = account_for(pledge, None)
    post = a_post()
    oauth._nonces[oauth.origin(account.server)] = "a-nonce-the-server-never-gave"

    result, seen = asyncio.run(with_trace(lambda http: ADAPTER.publish(http, account, post)))

    assert result.outcome == Outcome.POSTED, result
    create = "/xrpc/com.atproto.repo.createRecord"
    assert seen == [("POST", create, 401), ("POST", create, 200)]
    assert len(records(bluesky_pds.url, account.account_id)) == 1


def test_publishing_the_same_post_twice_makes_one_record(bluesky_pds):
    pledge = oauth_pledge(bluesky_pds, "bsky-twice")
    account = account_for(pledge, None)
    post = a_post()

    async def twice(http):
        return await ADAPTER.publish(http, account, post), await ADAPTER.publish(
            http, account, post
        )

    (first, second), _seen = asyncio.run(with_trace(twice))

    assert first.outcome == second.outcome == Outcome.POSTED, (first, second)
    assert first.remote_id == second.remote_id
    assert first.remote_id.endswith(f"/app.bsky.feed.post/{post.record_key}")
    (only,) = records(bluesky_pds.url, account.account_id)
    assert only["uri"] == first.remote_id
    # And the lookup after an unknown outcome finds it.
    found, _seen = asyncio.run(with_trace(lambda http: ADAPTER.find(http, account, post)))
    assert found.outcome == Outcome.POSTED and found.remote_id == first.remote_id


def test_refresh_gives_a_working_token_and_rotates_the_refresh_token(bluesky_pds):
    pledge = oauth_pledge(bluesky_pds, "bsky-refresh")
    old = account_for(pledge, None)

    fresh, _seen = asyncio.run(with_trace(lambda http: ADAPTER.refresh(http, old)))

    assert fresh.access_token != old.access_token
    assert fresh.refresh_token != old.refresh_token
    assert fresh.dpop_private_key == old.dpop_private_key
    reach, _seen = asyncio.run(with_trace(lambda http: ADAPTER.verify(http, fresh)))
    assert reach.ok, reach.reason
    posted, _seen = asyncio.run(with_trace(lambda http: ADAPTER.publish(http, fresh, a_post())))
    assert posted.outcome == Outcome.POSTED
    probe = DPoPProbe(old.dpop_private_key)
    assert not probe.refresh_works(old.server, old.refresh_token, oauth.client_id())


def test_tokens_that_would_expire_during_the_moment_are_refreshed_before_it(bluesky_pds):
    pledge = oauth_pledge(bluesky_pds, "bsky-before-t")
    campaign = pledge.campaign
    old_access = str(pledge.access_token)

    # The moment right away: a token an hour old at most lasts through it.
    arm_now(campaign)
    assert sessions.refresh_expiring(campaign.pk) == 0
    # The moment in 50 minutes: this token (about an hour) would run out 9 minutes after T.
    campaign.__class__.objects.filter(pk=campaign.pk).update(
        moment=timezone.now() + timedelta(minutes=50)
    )
    assert sessions.refresh_expiring(campaign.pk) == 1

    pledge.refresh_from_db()
    assert pledge.access_token != old_access
    assert DPoPProbe(pledge.dpop_private_key).session_works(pledge.server, pledge.access_token)
    assert sessions.expires_at(pledge.access_token) > timezone.now() + timedelta(minutes=55)


def test_the_preflight_refreshes_oauth_sessions_and_keeps_them_ready(bluesky_pds):
    pledge = oauth_pledge(bluesky_pds, "bsky-preflight")
    old_access, old_refresh = str(pledge.access_token), str(pledge.refresh_token)

    assert run_preflight(pledge.campaign) == {"ready": 1, "broken": 0}

    pledge.refresh_from_db()
    assert pledge.state == Pledge.State.ACTIVE
    assert (pledge.access_token, pledge.refresh_token) != (old_access, old_refresh)
    assert DPoPProbe(pledge.dpop_private_key).session_works(pledge.server, pledge.access_token)
