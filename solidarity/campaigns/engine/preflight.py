"""Checks before the moment (T-24 h and T-1 h): every access verified, reach refreshed.

Bluesky sessions are refreshed here, so the access token is fresh at T. A pledge that fails
is marked broken and its supporter, if they left an address, is asked to reconnect.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import defaultdict

import aiohttp
from django.utils import timezone

from solidarity.campaigns import notify
from solidarity.campaigns.engine.prepare import account_for
from solidarity.campaigns.models import Campaign, Network, Pledge, ServerApp
from solidarity.campaigns.networks.base import Reach
from solidarity.campaigns.networks.bluesky.adapter import ADAPTER as BLUESKY
from solidarity.campaigns.networks.registry import adapter_for

TIMEOUT = aiohttp.ClientTimeout(total=15)
# Per server: a pre-flight must never be what knocks a small server over before the moment.
PER_HOST_CONCURRENCY = 8


@dataclasses.dataclass
class Checked:
    pledge_id: int
    reach: Reach
    access_token: str = ""
    refresh_token: str = ""


def run_preflight(campaign: Campaign) -> dict[str, int]:
    pledges = list(
        campaign.pledges.filter(state__in=[Pledge.State.ACTIVE, Pledge.State.BROKEN]).exclude(
            network=Network.REMINDER
        )
    )
    apps = {(app.network, app.server): app for app in ServerApp.objects.all()}
    accounts = {p.pk: account_for(p, apps.get((p.network, p.server))) for p in pledges}
    checked = asyncio.run(_check_all(pledges, accounts))
    counts = {"ready": 0, "broken": 0}
    now = timezone.now()
    for pledge in pledges:
        result = checked[pledge.pk]
        fields = ["state", "broken_reason"]
        if result.reach.ok:
            pledge.state, pledge.broken_reason = Pledge.State.ACTIVE, ""
            if result.reach.followers is not None:
                pledge.followers_count, pledge.followers_checked_at = result.reach.followers, now
                fields += ["followers_count", "followers_checked_at"]
            if result.access_token:
                pledge.access_token, pledge.refresh_token = (
                    result.access_token,
                    result.refresh_token,
                )
                fields += ["access_token", "refresh_token"]
            counts["ready"] += 1
        else:
            was_active = pledge.state == Pledge.State.ACTIVE
            pledge.state, pledge.broken_reason = Pledge.State.BROKEN, result.reach.reason[:200]
            counts["broken"] += 1
            if was_active:
                notify.reconnect(pledge)
        pledge.save(update_fields=fields)
    return counts


async def _check_all(pledges, accounts) -> dict[int, Checked]:
    gates = defaultdict(lambda: asyncio.Semaphore(PER_HOST_CONCURRENCY))
    async with aiohttp.ClientSession(timeout=TIMEOUT) as http:

        async def one(pledge):
            async with gates[pledge.host]:
                return await _check(http, pledge, accounts[pledge.pk])

        return {c.pledge_id: c for c in await asyncio.gather(*(one(p) for p in pledges))}


async def _check(http, pledge, account) -> Checked:
    if pledge.network == Network.BLUESKY:
        try:
            account = await BLUESKY.refresh(http, account)
        except (aiohttp.ClientError, TimeoutError, KeyError) as error:
            return Checked(pledge.pk, Reach(False, reason=f"session refresh failed: {error}"))
        reach = await BLUESKY.verify(http, account)
        return Checked(pledge.pk, reach, account.access_token, account.refresh_token)
    return Checked(pledge.pk, await adapter_for(pledge.network).verify(http, account))
