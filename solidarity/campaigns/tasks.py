"""Celery tasks: the engine's interface for a distributed executor.

Each task is the same few lines the built-in worker runs (engine.worker): `tick` moves every
campaign through its life and enqueues the moments that are due; `send_moment` runs one.
Several workers may run `send_moment` for the same campaign at once: deliveries are claimed
atomically in the database, so they share the work and each pledge is still posted once.
"""

from __future__ import annotations

import asyncio
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from solidarity.campaigns.engine import worker
from solidarity.campaigns.engine.moment import run_moment
from solidarity.celery import app


@app.task(name="solidarity.campaigns.tasks.send_moment")
def send_moment(campaign_id: int) -> None:
    asyncio.run(run_moment(campaign_id))


@app.task(name="solidarity.campaigns.tasks.tick")
def tick() -> list[int]:
    due = worker.tick_sync()
    for campaign_id in due:
        # A moment lasts up to its give-up deadline; re-enqueue it only now and then (that is
        # how a moment whose worker died is resumed), not at every tick.
        if cache.add(
            f"thunderclaps:enqueued:{campaign_id}",
            True,
            timeout=settings.SOLIDARITY_MOMENT_ENQUEUE_EVERY,
        ):
            transaction.on_commit(partial(send_moment.delay, campaign_id))
    return due
