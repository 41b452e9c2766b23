"""Checks before the moment (T-24 h and T-1 h): every access verified, reach refreshed.

Bluesky sessions are refreshed here, so the access token is fresh at T; through
`sessions.refresh_sessions`, which lets only one process spend a refresh token. A pledge that
fails is marked broken and its supporter, if they left an address, is asked to reconnect.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

import aiohttp
from django.utils import timezone

from solidarity.campaigns import notify
from solidarity.campaigns.engine.prepare import account_for
from solidarity.campaigns.engine.resolver import public_session
from solidarity.campaigns.models import Campaign, Network, Pledge, ServerApp
from solidarity.campaigns.networks.base import Reach
from solidarity.campaigns.networks.bluesky.sessions import refresh_sessions
from solidarity.campaigns.networks.registry import adapter_for

log = logging.getLogger(__name__)
TIMEOUT = aiohttp.ClientTimeout(total=15)
# Per server: a pre-flight must never be what knocks a small server over before the moment.
PER_HOST_CONCURRENCY = 8
LIVE = (Pledge.State.ACTIVE, Pledge.State.BROKEN)


def run_preflight(campaign: Campaign) -> dict[str, int]:
    pledges = list(campaign.pledges.filter(state__in=LIVE).exclude(network=Network.REMINDER))
    apps = {(app.network, app.server): app for app in ServerApp.objects.all()}
    accounts = {p.pk: account_for(p, apps.get((p.network, p.server))) for p in pledges}
    known: dict[int, Reach] = {}
    for pk, session in refresh_sessions(p for p in pledges if p.network == Network.BLUESKY).items():
        if session.account:
            accounts[pk] = session.account  # already saved by refresh_sessions
        elif session.busy:
            # Another process is refreshing it right now: no verdict either way.
            log.warning("preflight skipped pledge %s: %s", pk, session.reason)
            accounts.pop(pk)
        else:
            known[pk] = Reach(False, reason=f"session refresh failed: {session.reason}")
    checked = known | asyncio.run(
        _check_all([p for p in pledges if p.pk in accounts and p.pk not in known], accounts)
    )
    counts = {"ready": 0, "broken": 0}
    now = timezone.now()
    for pledge in pledges:
        if (reach := checked.get(pledge.pk)) is not None:
            _record(pledge, reach, now, counts)
    return counts


def _record(pledge: Pledge, reach: Reach, now, counts: dict[str, int]) -> None:
    was_active = pledge.state == Pledge.State.ACTIVE
    update = {"state": Pledge.State.ACTIVE, "broken_reason": ""}
    if not reach.ok:
        update = {"state": Pledge.State.BROKEN, "broken_reason": reach.reason[:200]}
    elif reach.followers is not None:
        update |= {"followers_count": reach.followers, "followers_checked_at": now}
    elif reach.reason:
        # Kept as it was (the count at pledge time, or none): say why it is not newer.
        log.info("reach of pledge %s not counted: %s", pledge.pk, reach.reason)
    # Only while it is still live: a pledge withdrawn or replaced during the checks stays so.
    if not Pledge.objects.filter(pk=pledge.pk, state__in=LIVE).update(**update):
        return
    if reach.ok:
        counts["ready"] += 1
        return
    counts["broken"] += 1
    if was_active:
        pledge.state, pledge.broken_reason = update["state"], update["broken_reason"]
        notify.reconnect(pledge)


async def _check_all(pledges, accounts) -> dict[int, Reach]:
    gates = defaultdict(lambda: asyncio.Semaphore(PER_HOST_CONCURRENCY))
    async with public_session(TIMEOUT) as http:

        async def one(pledge):
            async with gates[pledge.host]:
                return pledge.pk, await adapter_for(pledge.network).verify(
                    http, accounts[pledge.pk]
                )

        return dict(await asyncio.gather(*(one(p) for p in pledges)))
