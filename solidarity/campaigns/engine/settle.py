"""Settling outcomes that stayed unknown when sending stopped (cancel or deadline).

Only lookups, never a send: the answer decides whether the report says posted or not.
"""

from __future__ import annotations

import asyncio

import aiohttp
from django.utils import timezone

from solidarity.campaigns.engine.prepare import prepare
from solidarity.campaigns.engine.resolver import public_session
from solidarity.campaigns.models import Campaign, Delivery

LOOKUP_TIMEOUT = aiohttp.ClientTimeout(total=10)


def settle_unknown(campaign_id: int) -> None:
    unknown = set(
        Delivery.objects.filter(
            campaign_id=campaign_id,
            state__in=[Delivery.State.UNKNOWN, Delivery.State.IN_FLIGHT],
            lease_until__isnull=True,
        ).values_list("pk", flat=True)
    ) | set(
        Delivery.objects.filter(
            campaign_id=campaign_id, state=Delivery.State.IN_FLIGHT, lease_until__lt=timezone.now()
        ).values_list("pk", flat=True)
    )
    if not unknown:
        return
    prepared = {pk: item for pk, item in prepare(campaign_id).items() if pk in unknown}
    found = asyncio.run(_look_up(prepared))
    cancelled = Campaign.objects.filter(pk=campaign_id, state=Campaign.State.CANCELLED).exists()
    for pk in prepared:
        result = found.get(pk)
        update = {"lease_owner": "", "lease_until": None}
        if result is not None:
            update |= {
                "state": Delivery.State.POSTED,
                "remote_id": result.remote_id,
                "remote_url": result.url[:500],
                "posted_at": result.posted_at or timezone.now(),
                "failure_reason": "",
            }
        elif cancelled:
            update |= {"state": Delivery.State.CANCELLED}
        else:
            update |= {
                "state": Delivery.State.FAILED,
                "failure_reason": "not found on the network at the deadline",
            }
        Delivery.objects.filter(
            pk=pk, state__in=[Delivery.State.UNKNOWN, Delivery.State.IN_FLIGHT]
        ).update(**update)


async def _look_up(prepared):
    async with public_session(LOOKUP_TIMEOUT) as http:

        async def one(pk, item):
            try:
                return pk, await item.adapter.find(http, item.account, item.post)
            except (aiohttp.ClientError, TimeoutError, ValueError):
                return pk, None

        return dict(await asyncio.gather(*(one(pk, item) for pk, item in prepared.items())))
