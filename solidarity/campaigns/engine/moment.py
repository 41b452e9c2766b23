"""The moment: every pledge posted at T, concurrently, exactly once.

Plain asyncio; the database is reached through `sync_to_async`, so the same coroutine runs
in the built-in worker, in a Celery task, in the benchmark, or in a test. The order of
writes is what makes it exactly once:

1. a delivery is claimed (IN_FLIGHT, with a lease) in the database *before* its request,
   and only when its host has a free slot, so the request starts at once;
2. the outcome is written after, under the same lease; POSTED and FAILED are final;
3. UNKNOWN (timeout, 5xx, reset, or a sender that died and let its lease run out) is looked
   up at the network before anything is sent again, with the same idempotency identity.

Each host has its own queue and concurrency cap, so a slow or dead server delays no other.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import heapq
import logging
import os
import socket
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import aiohttp
from asgiref.sync import sync_to_async
from django.utils import timezone

from solidarity.campaigns.engine import backoff, ledger
from solidarity.campaigns.engine.prepare import Prepared, prepare
from solidarity.campaigns.engine.resolver import public_session
from solidarity.campaigns.models import Campaign, Delivery
from solidarity.campaigns.networks.base import Outcome, Result

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EngineSettings:
    # Requests in flight to one server at once: min(this, its supporters). Only servers with
    # hundreds of supporters, large ones, see this many, for the second or two of the burst;
    # at 150 ms a request, 512 lets a server with 1,700 supporters finish in four rounds.
    per_host_concurrency: int = 512
    request_timeout: float = 15.0
    lease: timedelta = timedelta(seconds=45)  # > request_timeout: a live sender keeps it
    flush_every: float = 0.02
    refresh_every: float = 1.0  # re-read the queue: leases of dead senders, other workers
    connector_limit: int = 0  # 0: no global cap; the per-host caps bound the fan-out
    queue_ahead: timedelta = timedelta(seconds=2)  # read the queue this long before T
    # Open the keep-alive connections this long before T (see `warm`), and keep idle ones
    # longer than that: opening thousands of connections at T took the CPU the posts need.
    warm_ahead: timedelta = timedelta(seconds=10)
    keepalive_timeout: float = 60.0
    # Seconds from T without the cyclic garbage collector (0: keep it on). Its full
    # collections, walking every object the prepared moment holds, were two thirds of the
    # burst's CPU. Reference counting still frees nearly everything; cycles wait a little.
    pause_gc: float = 10.0


DEFAULT_SETTINGS = EngineSettings()


@dataclass(frozen=True)
class Shard:
    """Sender `index` of `count` processes that share a moment, each with hosts of its own
    (ledger.shard_hosts): one process is CPU-bound at T long before the network is."""

    index: int = 0
    count: int = 1

    @classmethod
    def parse(cls, text: str) -> Shard:
        """'1/2': the second of two senders."""
        index, _, count = text.partition("/")
        shard = cls(int(index), int(count or 1))
        if not 0 <= shard.index < shard.count:
            raise ValueError(f"no sender {text}: it takes I/N with 0 <= I < N")
        return shard


ALL = Shard()


def owner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def db(function):
    return sync_to_async(function, thread_sensitive=True)


@dataclass(order=True)
class Queued:
    ready_at: float  # time.monotonic()
    pk: int = field(compare=False)
    state: str = field(compare=False)  # PENDING: send; UNKNOWN: look up first


class Moment:
    def __init__(
        self,
        campaign: Campaign,
        prepared: dict[int, Prepared],
        http: aiohttp.ClientSession,
        settings: EngineSettings,
        owner: str,
        hosts: list[str] | None = None,
    ):
        self.campaign = campaign
        self.hosts = hosts  # this sender's share; None: every host
        self.prepared = prepared
        self.http = http
        self.settings = settings
        self.owner = owner
        self.queues: dict[str, list[Queued]] = defaultdict(list)  # a heap per host
        self.queued: set[int] = set()
        self.busy: dict[str, int] = defaultdict(int)
        self.attempts: dict[int, int] = {}
        self.tasks: set[asyncio.Task] = set()
        self.outcomes: dict[int, ledger.Recorded] = {}
        self.wakeup = asyncio.Event()
        self.cancelled = False
        self.refreshed_at = 0.0  # time.monotonic()

    # Queue -----------------------------------------------------------------------------

    def enqueue(self, pk: int, state: str, at: datetime | None) -> None:
        if pk in self.queued or pk not in self.prepared:
            return
        delay = (at - timezone.now()).total_seconds() if at else 0.0
        heapq.heappush(
            self.queues[self.prepared[pk].host],
            Queued(time.monotonic() + max(delay, 0.0), pk, state),
        )
        self.queued.add(pk)

    def take_ready(self) -> dict[str, list[int]]:
        """Up to each host's free slots of what is ready, by state."""
        now = time.monotonic()
        taken: dict[str, list[int]] = defaultdict(list)
        for host, heap in self.queues.items():
            free = self.settings.per_host_concurrency - self.busy[host]
            while free > 0 and heap and heap[0].ready_at <= now:
                item = heapq.heappop(heap)
                self.queued.discard(item.pk)
                taken[item.state].append(item.pk)
                free -= 1
        return taken

    def next_ready_in(self) -> float:
        heads = [
            heap[0].ready_at
            for host, heap in self.queues.items()
            if heap and self.busy[host] < self.settings.per_host_concurrency
        ]
        return max(min(heads) - time.monotonic(), 0.0) if heads else 1.0

    async def refresh(self) -> None:
        now = timezone.now()
        await db(ledger.expire_leases)(self.campaign.pk, now)
        for row in await db(ledger.due)(self.campaign.pk, now, self.hosts):
            self.attempts.setdefault(row.pk, row.attempts)
            self.enqueue(row.pk, row.state, row.next_attempt_at)
        self.cancelled = await db(ledger.campaign_state)(self.campaign.pk) not in (
            ledger.SENDING_STATES
        )
        self.refreshed_at = time.monotonic()

    # Requests --------------------------------------------------------------------------

    async def launch(self, taken: dict[str, list[int]]) -> None:
        """Claim, then start, chunk by chunk: while the database claims the next chunk,
        the requests of the last one are already leaving."""
        for state, ids in taken.items():
            request = self._publish if state == Delivery.State.PENDING else self._find
            for start in range(0, len(ids), ledger.CHUNK):
                token, won = await db(ledger.claim)(
                    self.campaign.pk,
                    ids[start : start + ledger.CHUNK],
                    state,
                    self.owner,
                    timezone.now(),
                    self.settings.lease,
                )
                for pk in won:
                    self.attempts[pk] = self.attempts.get(pk, 0) + 1
                    self.busy[self.prepared[pk].host] += 1
                    task = asyncio.create_task(request(token, pk))
                    self.tasks.add(task)
                    task.add_done_callback(self.tasks.discard)

    async def _publish(self, token: str, pk: int) -> None:
        item = self.prepared[pk]
        try:
            result = await item.adapter.publish(self.http, item.account, item.post)
        finally:
            self.busy[item.host] -= 1
        self._settle(token, pk, result)

    async def _find(self, token: str, pk: int) -> None:
        item = self.prepared[pk]
        try:
            result = await item.adapter.find(self.http, item.account, item.post)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            result = Result(Outcome.UNKNOWN, reason=f"lookup failed: {type(error).__name__}")
        finally:
            self.busy[item.host] -= 1
        self._settle(token, pk, result)

    def _settle(self, token: str, pk: int, result: Result | None) -> None:
        retry_at = None
        if result is None:  # looked up and absent: send again now, same identity
            self.enqueue(pk, Delivery.State.PENDING, None)
        elif result.outcome in (Outcome.RETRY, Outcome.UNKNOWN):
            retry_at = backoff.next_attempt(
                timezone.now(), self.attempts.get(pk, 1), result.retry_after
            )
            if retry_at >= self.campaign.give_up_at:
                retry_at = None  # the ledger records the give-up
            else:
                state = (
                    Delivery.State.PENDING
                    if result.outcome == Outcome.RETRY
                    else Delivery.State.UNKNOWN
                )
                self.enqueue(pk, state, retry_at)
        self.outcomes[pk] = ledger.Recorded(token, result, retry_at)
        self.wakeup.set()

    async def flush(self) -> None:
        outcomes, self.outcomes = self.outcomes, {}
        await db(ledger.record)(outcomes, timezone.now())

    # Driving ---------------------------------------------------------------------------

    async def drive(self) -> None:
        while timezone.now() < self.campaign.give_up_at:
            if time.monotonic() - self.refreshed_at >= self.settings.refresh_every:
                await self.flush()
                await self.refresh()
                if self.cancelled:
                    break
                if (
                    not self.tasks
                    and not self.queued
                    and not await db(ledger.open_count)(self.campaign.pk, self.hosts)
                ):
                    return
            await self.flush()  # outcomes first, so a retry's claim sees its new state
            await self.launch(self.take_ready())
            self.wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self.wakeup.wait(),
                    timeout=min(self.next_ready_in(), self.settings.refresh_every),
                )
            await asyncio.sleep(self.settings.flush_every if self.tasks else 0)
        if self.tasks:
            await asyncio.wait(self.tasks)
        await self.flush()


async def run_moment(
    campaign_id: int,
    settings: EngineSettings = DEFAULT_SETTINGS,
    owner: str | None = None,
    shard: Shard = ALL,
) -> None:
    campaign = await db(Campaign.objects.get)(pk=campaign_id)
    if campaign.state not in ledger.SENDING_STATES:
        return  # cancelled, never armed, or done: nothing to wait for, nothing to decrypt
    hosts = await db(ledger.shard_hosts)(campaign_id, shard.index, shard.count)
    prepared = await db(prepare)(campaign_id, hosts)  # decrypt and compose before T, not at T
    connector_options = {
        "limit": settings.connector_limit,
        "limit_per_host": 0,  # the engine's own per-host cap is the limit; `warm` relies on it
        "ttl_dns_cache": 300,
        "keepalive_timeout": settings.keepalive_timeout,
    }
    # No Accept-Encoding, so answers come uncompressed and nothing is decompressed per answer.
    async with public_session(
        aiohttp.ClientTimeout(total=settings.request_timeout),
        connector_options,
        auto_decompress=False,
        skip_auto_headers=("Accept-Encoding",),
    ) as http:
        moment = Moment(campaign, prepared, http, settings, owner or owner_name(), hosts)
        await _until(campaign.moment - settings.warm_ahead)
        await warm(http, prepared, settings, campaign.moment - settings.queue_ahead)
        await _until(campaign.moment - settings.queue_ahead)
        # Read the queue just before T, not at T: reading 10,000 rows takes a noticeable
        # fraction of a second. Claims re-check every row's state, so a queue read a little
        # early can only ask for rows that are no longer due, and those it does not win.
        await moment.refresh()
        await _until(campaign.moment)
        if not await db(ledger.start_sending)(campaign_id):
            return
        moment.refreshed_at = time.monotonic()
        with _collector_paused(settings.pause_gc):
            await moment.drive()
    if timezone.now() >= campaign.give_up_at or await db(ledger.open_count)(campaign_id) == 0:
        await db(ledger.finish)(campaign_id, timezone.now())


async def warm(
    http: aiohttp.ClientSession,
    prepared: dict[int, Prepared],
    settings: EngineSettings,
    deadline: datetime,
) -> None:
    """Open, before T, as many keep-alive connections per host as the moment will use
    there at once (its cap, or fewer deliveries), with a cheap GET that carries no token.
    The answers are ignored: a host that fails here is simply connected to at T. Stops at
    `deadline` whatever is left, so it can never delay the moment."""
    seconds = (deadline - timezone.now()).total_seconds()
    if seconds <= 0.2:
        return  # resumed after T, or armed at the last second: nothing to gain
    wanted: dict[str, int] = defaultdict(int)
    urls: dict[str, str] = {}
    for item in prepared.values():
        path = getattr(item.adapter, "warm_path", "")
        if path and wanted[item.host] < settings.per_host_concurrency:
            wanted[item.host] += 1
            urls[item.host] = f"{item.account.server}{path}"

    async def one(url: str) -> None:
        with contextlib.suppress(aiohttp.ClientError, TimeoutError, ValueError):
            async with http.get(url, allow_redirects=False) as response:
                await response.read()  # read to the end, so the connection goes back idle

    # All requests of a host start together, so each needs a connection of its own.
    tasks = [
        asyncio.ensure_future(one(urls[host]))
        for host, count in wanted.items()
        for _ in range(count)
    ]
    if not tasks:
        return
    done, pending = await asyncio.wait(tasks, timeout=seconds)
    for task in pending:
        task.cancel()
    log.info(
        "warmed %d connections to %d hosts (%d unfinished)", len(done), len(urls), len(pending)
    )


@contextlib.contextmanager
def _collector_paused(seconds: float):
    """Freeze what exists before T (the prepared posts, Django, the warm connections) out of
    the collector's reach, and switch the collector off for the first `seconds` of the
    burst. Process-wide, hence bounded in time: a moment that keeps retrying for half an
    hour gets its collector back after `seconds`."""
    if seconds <= 0 or not gc.isenabled():
        yield  # off, or another moment in this process has already paused it
        return
    gc.freeze()
    gc.disable()
    back_on = asyncio.get_running_loop().call_later(seconds, gc.enable)
    try:
        yield
    finally:
        back_on.cancel()
        gc.enable()
        gc.unfreeze()


async def _until(moment: datetime) -> None:
    delay = (moment - timezone.now()).total_seconds()
    if delay > 0:
        await asyncio.sleep(delay)
