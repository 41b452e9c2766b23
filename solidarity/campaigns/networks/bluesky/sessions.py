"""Keeping Bluesky sessions alive until the moment is over.

Access tokens live about an hour (OAuth: 3599 s; app-password sessions: 2 h), and the last
preflight runs at T-1 h, so the token it gets expires right about at T. The engine's
`prepare` therefore calls `refresh_expiring` just before the moment: every Bluesky pledge
still to be posted whose access token would expire within MARGIN of the moment (or of now,
on a resume after T) gets a fresh one.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import aiohttp
from django.utils import timezone

log = logging.getLogger(__name__)
MARGIN = timedelta(minutes=15)
THREADS = 16


def expires_at(token: str) -> datetime | None:
    """The `exp` of a JWT, read without checking it (we only schedule by it), else None."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return datetime.fromtimestamp(int(claims["exp"]), tz=UTC)
    except (IndexError, ValueError, KeyError, TypeError):
        return None


def needs_refresh(access_token: str, oauth_bound: bool, until: datetime) -> bool:
    expiry = expires_at(access_token)
    if expiry is None:
        return oauth_bound  # an opaque OAuth token may expire at any time: refresh it
    return expiry < until


def refresh_expiring(campaign_id: int) -> int:
    """Refresh what would expire during the moment; returns how many were refreshed."""
    from solidarity.campaigns.engine.prepare import account_for
    from solidarity.campaigns.models import Campaign, Delivery, Network, Pledge

    campaign = Campaign.objects.get(pk=campaign_id)
    until = max(timezone.now(), campaign.moment) + MARGIN
    pledges = [
        pledge
        for pledge in Pledge.objects.filter(
            network=Network.BLUESKY,
            delivery__campaign_id=campaign_id,
            delivery__state__in=[Delivery.State.PENDING, Delivery.State.UNKNOWN],
        )
        if pledge.refresh_token
        and needs_refresh(pledge.access_token, bool(pledge.dpop_private_key), until)
    ]
    if not pledges:
        return 0
    with ThreadPoolExecutor(THREADS) as pool:
        accounts = list(pool.map(_refreshed, [account_for(p, None) for p in pledges]))
    refreshed = 0
    for pledge, account in zip(pledges, accounts, strict=True):
        if account is None:
            continue  # keep the old token: it may still last long enough, and the post says
        pledge.access_token, pledge.refresh_token = account.access_token, account.refresh_token
        pledge.save(update_fields=["access_token", "refresh_token"])
        refreshed += 1
    return refreshed


def _refreshed(account):
    from solidarity.campaigns.networks.bluesky.adapter import ADAPTER

    async def refresh():
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as http:
            return await ADAPTER.refresh(http, account)

    try:
        return asyncio.run(refresh())
    except (aiohttp.ClientError, TimeoutError, KeyError) as error:
        log.warning("could not refresh the Bluesky session of %s: %s", account.account_id, error)
        return None
