"""The moment: every pledge posted at T, concurrently, exactly once.

Plain asyncio. The database is reached through `sync_to_async`, so the same coroutine runs in
the built-in worker, in a Celery task, or in a test. The order of writes is what makes it
exactly-once:

1. a delivery is claimed (IN_FLIGHT, with a lease) in the database *before* its request;
2. the outcome is written after; a POSTED, FAILED or RETRY is final for this attempt;
3. UNKNOWN (timeout, 5xx, reset, or a sender that died and let its lease run out) is looked
   up at the network before anything is sent again, with the same idempotency identity.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiohttp
from asgiref.sync import sync_to_async
from django.utils import timezone

from solidarity.campaigns.engine import ledger
from solidarity.campaigns.engine.prepare import Prepared, prepare
from solidarity.campaigns.models import Campaign, Delivery
from solidarity.campaigns.networks.base import Outcome, Result

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EngineSettings:
    per_host_concurrency: int = 64
    request_timeout: float = 15.0
    lease: timedelta = timedelta(seconds=45)  # > request_timeout: a live sender never loses it
    flush_every: float = 0.1
    tick: float = 0.25
    connector_limit: int = 4096


DEFAULT_SETTINGS = EngineSettings()


def owner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def db(function):
    return sync_to_async(function, thread_sensitive=True)


class Fanout:
    """Sends claimed deliveries with a cap per host; writes outcomes in small batches."""

    def __init__(
        self,
        prepared: dict[int, Prepared],
        http: aiohttp.ClientSession,
        settings: EngineSettings,
        give_up_at: datetime,
    ):
        self.prepared = prepared
        self.http = http
        self.settings = settings
        self.give_up_at = give_up_at
        self.gates: dict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(settings.per_host_concurrency)
        )
        self.outcomes: asyncio.Queue[tuple[str, int, Result | None]] = asyncio.Queue()
        self.cancelled = asyncio.Event()

    async def send(self, token: str, ids: list[int]) -> list[asyncio.Task]:
        return [asyncio.create_task(self._publish(token, pk)) for pk in ids]

    async def check(self, token: str, ids: list[int]) -> list[asyncio.Task]:
        return [asyncio.create_task(self._find(token, pk)) for pk in ids]

    async def _publish(self, token: str, pk: int) -> None:
        item = self.prepared[pk]
        async with self.gates[item.host]:
            if self.cancelled.is_set():
                await self.outcomes.put((token, pk, Result(Outcome.CANCELLED)))
                return
            result = await item.adapter.publish(self.http, item.account, item.post)
        await self.outcomes.put((token, pk, result))

    async def _find(self, token: str, pk: int) -> None:
        item = self.prepared[pk]
        async with self.gates[item.host]:
            try:
                found = await item.adapter.find(self.http, item.account, item.post)
            except (aiohttp.ClientError, TimeoutError, ValueError) as error:
                found = Result(Outcome.UNKNOWN, reason=f"lookup failed: {type(error).__name__}")
        # None: checked and absent, so it may be sent again.
        await self.outcomes.put((token, pk, found))

    async def write_outcomes(self) -> None:
        while True:
            await asyncio.sleep(self.settings.flush_every)
            await self.flush()

    async def flush(self) -> None:
        batch: dict[str, dict[int, Result | None]] = defaultdict(dict)
        while not self.outcomes.empty():
            token, pk, result = self.outcomes.get_nowait()
            batch[token][pk] = result
        for token, results in batch.items():
            absent = [pk for pk, result in results.items() if result is None]
            known = {pk: result for pk, result in results.items() if result is not None}
            now = timezone.now()
            if absent:
                await db(ledger.record_absent)(token, absent, now)
            if known:
                await db(ledger.record)(token, known, now, self.give_up_at)


async def run_moment(
    campaign_id: int, settings: EngineSettings = DEFAULT_SETTINGS, owner: str | None = None
) -> None:
    owner = owner or owner_name()
    campaign = await db(Campaign.objects.get)(pk=campaign_id)
    prepared = await db(prepare)(campaign_id)  # decrypt and compose before T, not at T
    delay = (campaign.moment - timezone.now()).total_seconds()
    if delay > 0:
        await asyncio.sleep(delay)
    if not await db(ledger.start_sending)(campaign_id):
        return
    timeout = aiohttp.ClientTimeout(total=settings.request_timeout)
    connector = aiohttp.TCPConnector(limit=settings.connector_limit, ttl_dns_cache=300)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:
        fanout = Fanout(prepared, http, settings, campaign.give_up_at)
        writer = asyncio.create_task(fanout.write_outcomes())
        watcher = asyncio.create_task(_watch_for_cancel(campaign_id, fanout.cancelled))
        try:
            await _drive(campaign_id, owner, fanout, settings, campaign.give_up_at)
        finally:
            writer.cancel()
            watcher.cancel()
            await fanout.flush()
    await db(ledger.finish)(campaign_id)


async def _drive(
    campaign_id: int, owner: str, fanout: Fanout, settings: EngineSettings, give_up_at: datetime
) -> None:
    in_flight: set[asyncio.Task] = set()
    while True:
        now = timezone.now()
        if now >= give_up_at or fanout.cancelled.is_set():
            break
        await db(ledger.expire_leases)(campaign_id, now)
        for state, start in (
            (Delivery.State.UNKNOWN, fanout.check),
            (Delivery.State.PENDING, fanout.send),
        ):
            due = [
                pk for pk in await db(ledger.due)(campaign_id, state, now) if pk in fanout.prepared
            ]
            if due:
                token, won = await db(ledger.claim)(
                    campaign_id, due, state, owner, now, settings.lease
                )
                in_flight.update(await start(token, won))
        in_flight = {task for task in in_flight if not task.done()}
        if not in_flight:
            await fanout.flush()
            if not await db(ledger.open_count)(campaign_id):
                return
        await asyncio.sleep(settings.tick)
    if in_flight:
        await asyncio.wait(in_flight)


async def _watch_for_cancel(campaign_id: int, cancelled: asyncio.Event) -> None:
    while not cancelled.is_set():
        state = await db(
            lambda: Campaign.objects.values_list("state", flat=True).get(pk=campaign_id)
        )()
        if state == Campaign.State.CANCELLED:
            cancelled.set()
        await asyncio.sleep(0.1)
