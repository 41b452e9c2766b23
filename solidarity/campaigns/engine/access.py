"""Giving supporters' access back: revoked at the network, then erased here.

Erasure happens even when the network cannot be reached: keeping a live token we no longer
need is the greater risk to a supporter.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from django.db import transaction

from solidarity.campaigns.engine.prepare import account_for
from solidarity.campaigns.engine.resolver import public_session
from solidarity.campaigns.models import Network, Pledge, ServerApp
from solidarity.campaigns.networks.registry import adapter_for

log = logging.getLogger(__name__)
REVOKE_TIMEOUT = aiohttp.ClientTimeout(total=10)


def release(pledge_ids: list[int]) -> None:
    pledges = list(Pledge.objects.filter(pk__in=pledge_ids))
    apps = {(app.network, app.server): app for app in ServerApp.objects.all()}
    accounts = [
        (pledge, account_for(pledge, apps.get((pledge.network, pledge.server))))
        for pledge in pledges
        if pledge.network != Network.REMINDER and pledge.access_token
    ]
    if accounts:
        asyncio.run(_revoke_all(accounts))
    with transaction.atomic():
        for pledge in pledges:
            pledge.erase_secrets()
            if pledge.state in (Pledge.State.ACTIVE, Pledge.State.BROKEN, Pledge.State.PENDING):
                pledge.state = Pledge.State.FINISHED
            pledge.save(
                update_fields=[
                    "handle",
                    "access_token",
                    "refresh_token",
                    "dpop_private_key",
                    "email",
                    "state",
                ]
            )


async def _revoke_all(accounts) -> None:
    async with public_session(REVOKE_TIMEOUT) as http:
        await asyncio.gather(*(_revoke(http, pledge, account) for pledge, account in accounts))


async def _revoke(http, pledge, account) -> None:
    try:
        await adapter_for(pledge.network).revoke(http, account)
    except (aiohttp.ClientError, TimeoutError) as error:
        log.warning("could not revoke pledge %s at %s: %s", pledge.pk, pledge.host, error)
