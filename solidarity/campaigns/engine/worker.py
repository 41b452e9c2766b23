"""The built-in worker: one loop that moves every Thunderclap through its life.

Embedded mode runs it beside the web server (see `solidarity serve`), with no broker. Each
step is idempotent and recorded, so a restart resumes where the last run stopped; a moment
that was under way is picked up again and finished, still exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from django.db import close_old_connections
from django.db.models import Q
from django.utils import timezone

from solidarity.campaigns import actions, recurrence
from solidarity.campaigns.engine import media, preflight, settle
from solidarity.campaigns.engine.moment import (
    ALL,
    DEFAULT_SETTINGS,
    EngineSettings,
    Shard,
    db,
    owner_name,
    run_moment,
)
from solidarity.campaigns.models import Campaign

log = logging.getLogger(__name__)
LEAD = timedelta(seconds=30)  # start preparing (decrypting, composing) this long before T
DAY_BEFORE, HOUR_BEFORE = timedelta(hours=24), timedelta(hours=1)
PREFLIGHT_NOT_WITHIN = timedelta(minutes=5)
FINISHED = (Campaign.State.DONE, Campaign.State.GOAL_NOT_REACHED, Campaign.State.CANCELLED)


def close_due_pledging() -> None:
    for campaign in Campaign.objects.filter(
        state=Campaign.State.OPEN, pledge_deadline__lte=timezone.now()
    ):
        actions.do_close_pledging(campaign)


def run_due_preflights() -> None:
    now = timezone.now()
    for window, field in (
        (DAY_BEFORE, "checked_day_before_at"),
        (HOUR_BEFORE, "checked_hour_before_at"),
    ):
        due = Campaign.objects.filter(
            Q(state=Campaign.State.OPEN) | Q(state=Campaign.State.ARMED),
            moment__lte=now + window,
            moment__gt=now,
            **{f"{field}__isnull": True},
        )
        for campaign in due:
            # Too close to the moment, a check would only delay it: the moment itself
            # finds broken access, and sessions are refreshed just before it anyway.
            if campaign.moment - now > PREFLIGHT_NOT_WITHIN:
                counts = preflight.run_preflight(campaign)
                log.info("preflight %s for %s: %s", field, campaign.slug, counts)
            Campaign.objects.filter(pk=campaign.pk).update(**{field: timezone.now()})


def upload_due_images() -> None:
    """While armed and within MEDIA_AHEAD of T, each account's copy of the image."""
    due = Campaign.objects.filter(
        state=Campaign.State.ARMED,
        moment__lte=timezone.now() + media.MEDIA_AHEAD,
        moment__gt=timezone.now(),
    ).exclude(image="")
    for campaign in due:
        counts = media.upload_images(campaign.pk)
        if counts["stored"] or counts["refused"]:
            log.info("image for %s: %s", campaign.slug, counts)


def due_moments() -> list[int]:
    return list(
        Campaign.objects.filter(
            state__in=[Campaign.State.ARMED, Campaign.State.SENDING],
            moment__lte=timezone.now() + LEAD,
        ).values_list("pk", flat=True)
    )


def wrap_up_finished() -> None:
    """After the moment (or cancel, or a missed goal): settle, revoke, erase, recur."""
    for campaign in Campaign.objects.filter(state__in=FINISHED, released_at__isnull=True):
        settle.settle_unknown(campaign.pk)
        actions.release_campaign(campaign)
        Campaign.objects.filter(pk=campaign.pk).update(released_at=timezone.now())
        if campaign.state != Campaign.State.CANCELLED:
            recurrence.do_prepare_next(campaign)


def tick_sync() -> list[int]:
    close_old_connections()
    close_due_pledging()
    run_due_preflights()
    upload_due_images()
    wrap_up_finished()
    return due_moments()


def moments_only() -> list[int]:
    close_old_connections()
    return due_moments()


async def serve(
    stop: asyncio.Event,
    settings: EngineSettings = DEFAULT_SETTINGS,
    interval: float = 1.0,
    shard: Shard = ALL,
) -> None:
    """The worker's loop. The first sender also moves campaigns through their life; the
    others (`--shard 1/2`, ...) only send their share of each moment."""
    owner = owner_name()
    step = tick_sync if shard.index == 0 else moments_only
    running: dict[int, asyncio.Task] = {}
    while not stop.is_set():
        try:
            for campaign_id in await db(step)():
                if campaign_id not in running:
                    running[campaign_id] = asyncio.create_task(
                        run_moment(campaign_id, settings, owner, shard)
                    )
        except Exception:  # keep the worker alive; the next tick retries the step
            log.exception("worker step failed")
        for campaign_id, task in list(running.items()):
            if task.done():
                running.pop(campaign_id)
                if task.exception():
                    log.error("moment %s failed", campaign_id, exc_info=task.exception())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
    for task in running.values():
        task.cancel()
