"""The campaign image, stored at each account's server minutes before the moment.

Uploading at T would put thousands of large requests in front of the posts, so the worker
uploads while the campaign is armed (MEDIA_AHEAD) and keeps each server's reference on the
delivery. A post whose image could not be stored goes out with the text alone: the message
matters more than the picture, and the report counts such posts.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import mimetypes
from collections import defaultdict
from datetime import datetime, timedelta

import aiohttp
from django.utils import timezone
from PIL import Image as PillowImage

from solidarity.campaigns.engine.prepare import account_for
from solidarity.campaigns.engine.resolver import public_session
from solidarity.campaigns.models import Campaign, Delivery, Network, ServerApp
from solidarity.campaigns.networks.base import Image, MediaRefused
from solidarity.campaigns.networks.bluesky import sessions
from solidarity.campaigns.networks.registry import adapter_for

log = logging.getLogger(__name__)
MEDIA_AHEAD = timedelta(minutes=15)  # servers drop unattached uploads after an hour or more
ATTEMPTS = 3  # over successive worker ticks; then the post goes without the image
PER_HOST_CONCURRENCY = 8
TIMEOUT = aiohttp.ClientTimeout(total=60)
OPEN = (Delivery.State.PENDING, Delivery.State.UNKNOWN)


def campaign_image(campaign: Campaign) -> Image | None:
    if not campaign.image:
        return None
    with campaign.image.open("rb") as stored:
        data = stored.read()
    with PillowImage.open(io.BytesIO(data)) as picture:
        width, height = picture.size
    content_type = mimetypes.guess_type(campaign.image.name)[0] or "application/octet-stream"
    return Image(data, content_type, campaign.image_alt, width, height)


RETRY_PAUSE = timedelta(seconds=30)
STOP_BEFORE = timedelta(minutes=1)  # the moment starts preparing 30 s before T


def due_for_upload(delivery: Delivery, now) -> bool:
    media = delivery.media or {}
    retry_at = media.get("retry_at")
    if media.get("attempts", 0) >= ATTEMPTS:
        return False
    return hasattr(adapter_for(delivery.network), "upload_media") and (
        not retry_at or datetime.fromisoformat(retry_at) <= now
    )


def due_deliveries(campaign: Campaign, now) -> list[Delivery]:
    return [
        delivery
        for delivery in Delivery.objects.filter(campaign=campaign, state__in=OPEN)
        .exclude(media__has_key="ref")
        .select_related("pledge")
        if due_for_upload(delivery, now)
    ]


def upload_images(campaign_id: int) -> dict[str, int]:
    """Upload what is still missing; returns counts of stored and refused uploads."""
    campaign = Campaign.objects.get(pk=campaign_id)
    now = timezone.now()
    deliveries = due_deliveries(campaign, now) if campaign.image else []
    if not deliveries or campaign.moment - STOP_BEFORE <= now:
        return {"stored": 0, "refused": 0}
    if any(delivery.network == Network.BLUESKY for delivery in deliveries):
        # The last pre-flight's Bluesky tokens may be near their end, or there was none.
        sessions.refresh_expiring(campaign_id)
        deliveries = due_deliveries(campaign, now)
    image = campaign_image(campaign)
    # The worker's other steps, and the moment itself, wait while this runs: stop in time.
    budget = (campaign.moment - STOP_BEFORE - timezone.now()).total_seconds()
    apps = {(app.network, app.server): app for app in ServerApp.objects.all()}
    results: dict[int, tuple[dict, str]] = {}
    asyncio.run(_upload_all(deliveries, apps, image, results, budget))
    counts = {"stored": 0, "refused": 0}
    for delivery in deliveries:
        if delivery.pk not in results:
            continue  # out of time: the post goes without the image
        reference, reason = results[delivery.pk]
        media = delivery.media or {}
        if reference:
            delivery.media = {"ref": reference}
            counts["stored"] += 1
        else:
            delivery.media = {
                "attempts": media.get("attempts", 0) + 1,
                "error": reason[:200],
                "retry_at": (now + RETRY_PAUSE).isoformat(),
            }
            counts["refused"] += 1
        # Only this field: the moment may already be writing the delivery's state.
        Delivery.objects.filter(pk=delivery.pk).update(media=delivery.media)
    return counts


async def _upload_all(deliveries, apps, image, results, budget: float) -> None:
    gates = defaultdict(lambda: asyncio.Semaphore(PER_HOST_CONCURRENCY))
    async with public_session(TIMEOUT) as http:

        async def one(delivery):
            pledge = delivery.pledge
            account = account_for(pledge, apps.get((pledge.network, pledge.server)))
            async with gates[delivery.host]:
                try:
                    uploaded = await adapter_for(delivery.network).upload_media(
                        http, account, image
                    )
                    results[delivery.pk] = (uploaded, "")
                except (MediaRefused, aiohttp.ClientError, TimeoutError) as error:
                    log.warning("image upload for delivery %s: %s", delivery.pk, error)
                    results[delivery.pk] = ({}, str(error) or type(error).__name__)

        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(budget):
                await asyncio.gather(*(one(d) for d in deliveries))
