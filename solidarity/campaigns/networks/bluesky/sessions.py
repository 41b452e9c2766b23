"""Keeping Bluesky sessions alive until the moment is over, each refresh token spent once.

Access tokens live about an hour (OAuth: 3599 s; app-password sessions: 2 h), and the last
preflight runs at T-1 h, so the token it gets expires right about at T. The engine's
`prepare` therefore calls `refresh_expiring` just before the moment: every Bluesky pledge
still to be posted whose access token would expire within MARGIN of the moment (or of now,
on a resume after T) gets a fresh one.

A refresh token works once, and an OAuth server that sees one spent twice ends the whole
session ("refresh token replayed"). Two workers may refresh one pledge at the same time (a
preflight beside a prepare, or two of either), so both go through `refresh_sessions`: a
process claims the pledge with one conditional UPDATE (`claim_refresh`), and only the claimant
spends the token, then saves the new pair and lets the claim go in one UPDATE. Another process
waits, at most WAIT, and takes the pair the claimant saved. A claimant that died leaves a claim
that runs out after LEASE, and the next process takes it over.

The database is only touched from the calling thread; the pool's threads only talk to servers.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiohttp
from django.db.models import Q
from django.utils import timezone

from solidarity.campaigns.models import Pledge
from solidarity.campaigns.networks.base import Account

log = logging.getLogger(__name__)
MARGIN = timedelta(minutes=15)
THREADS = 16
PER_HOST = 8  # like the preflight: refreshing must not be what knocks a small server over
# A claim outlives the slowest refresh of a batch: an OAuth refresh makes at most four
# requests of 10 s each, and a batch may queue two of them behind PER_HOST.
LEASE = timedelta(minutes=3)
WAIT = 30.0  # seconds a process waits for the tokens another one is fetching
POLL = 0.2
GIVEN_BACK = "the session was given back"
BUSY = "another process is refreshing this session"


@dataclass(frozen=True)
class Session:
    """How refreshing one pledge's session went."""

    account: Account | None  # the tokens to use from now on; None: not refreshed
    reason: str = ""
    busy: bool = False  # another process held the claim all along: nothing is known
    spent: bool = False  # this process spent the refresh token (else: took another's pair)


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
    from solidarity.campaigns.models import Campaign, Delivery, Network

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
    # A failed refresh keeps the old token: it may still last long enough, and the post says.
    return sum(1 for session in refresh_sessions(pledges).values() if session.account)


def claim_refresh(pledge_id: int) -> datetime | None:
    """Claim the right to spend this pledge's refresh token: the claim's end, or None.

    One conditional UPDATE, never a read and then a write: of two processes, exactly one
    touches the row. A claim that ran out (its holder died) is taken over. Its end time is
    also its identity: only the process that set it clears it (`_release`, `_keep`).
    """
    now = timezone.now()
    until = now + LEASE
    free = Q(session_refresh_until__isnull=True) | Q(session_refresh_until__lt=now)
    claimed = Pledge.objects.filter(free, pk=pledge_id).update(session_refresh_until=until)
    return until if claimed == 1 else None


def refresh_sessions(pledges: Iterable[Pledge]) -> dict[int, Session]:
    """A fresh session for each of these Bluesky pledges, by pledge id.

    Each refresh token is spent by one process only: the one holding the claim. A pledge
    another process holds is waited for (at most WAIT) and gets the tokens that process saved.
    """
    # What the caller would spend: if the stored token differs, someone has spent it already.
    spendable = {pledge.pk: str(pledge.refresh_token) for pledge in pledges}
    results: dict[int, Session] = {}
    deadline = None
    while pending := [pk for pk in spendable if pk not in results]:
        for start in range(0, len(pending), THREADS):
            results |= _round(pending[start : start + THREADS], spendable)
        # Measured from the first round: a long batch must not use up the wait for the rest.
        deadline = deadline or time.monotonic() + WAIT
        if time.monotonic() >= deadline:
            break
        if any(pk not in results for pk in pending):
            time.sleep(POLL)
    for pk in spendable:
        results.setdefault(pk, Session(None, BUSY, busy=True))
    return results


def _round(pks: list[int], spendable: dict[int, str]) -> dict[int, Session]:
    """One pass: take what others saved, claim what is free, spend what we claimed."""
    from solidarity.campaigns.engine.prepare import account_for

    done: dict[int, Session] = {}
    now = timezone.now()
    claims = {}
    # A read first only spares UPDATEs for claims that are plainly held; the claim decides.
    for pk, pledge in _stored(pks).items():
        if (session := _settled(pledge, spendable[pk])) is not None:
            done[pk] = session
        elif not _held(pledge, now) and (until := claim_refresh(pk)):
            claims[pk] = until
    mine = []
    # Read again now that the claim is ours: the last holder may have saved a new pair between
    # our read and our claim, and spending the old token then would end the session.
    for pk, pledge in _stored(list(claims)).items():
        if (session := _settled(pledge, spendable[pk])) is not None:
            _release(pk, claims[pk])
            done[pk] = session
        else:
            mine.append(pledge)
    spent = _spend([account_for(pledge, None) for pledge in mine])
    for pledge, outcome in zip(mine, spent, strict=True):
        done[pledge.pk] = _keep(pledge.pk, claims[pledge.pk], outcome)
    return done


def _stored(pks: list[int]) -> dict[int, Pledge | None]:
    found = Pledge.objects.in_bulk(pks)
    return {pk: found.get(pk) for pk in pks}


def _held(pledge: Pledge, now: datetime) -> bool:
    return pledge.session_refresh_until is not None and pledge.session_refresh_until >= now


def _settled(pledge: Pledge | None, spendable: str) -> Session | None:
    """The outcome if there is nothing left to spend, else None."""
    from solidarity.campaigns.engine.prepare import account_for

    if pledge is None or not pledge.refresh_token:
        return Session(None, GIVEN_BACK)  # withdrawn or released meanwhile
    if str(pledge.refresh_token) != spendable:
        return Session(account_for(pledge, None))  # another process refreshed it: use that
    return None


def _release(pledge_id: int, until: datetime) -> None:
    Pledge.objects.filter(pk=pledge_id, session_refresh_until=until).update(
        session_refresh_until=None
    )


def _keep(pledge_id: int, until: datetime, outcome: Account | str) -> Session:
    """Save a new pair and let the claim go in one UPDATE, so a waiter sees both or neither."""
    if isinstance(outcome, str):
        _release(pledge_id, until)
        return Session(None, outcome)
    tokens = {"access_token": outcome.access_token, "refresh_token": outcome.refresh_token}
    mine = Pledge.objects.filter(pk=pledge_id, session_refresh_until=until)
    if not mine.update(session_refresh_until=None, **tokens):
        # The claim ran out before the server answered (LEASE is too short for this server);
        # the old token is spent, so this pair is the one that works. Keep it all the same.
        log.error("the refresh claim on pledge %s ran out before the refresh ended", pledge_id)
        Pledge.objects.filter(pk=pledge_id).update(**tokens)
    return Session(outcome, spent=True)


def _spend(accounts: list[Account]) -> list[Account | str]:
    """Refresh each session at its server, in threads: new accounts, or why not."""
    if not accounts:
        return []
    gates = {account.server: threading.Semaphore(PER_HOST) for account in accounts}

    def one(account: Account) -> Account | str:
        with gates[account.server]:
            return _refreshed(account)

    with ThreadPoolExecutor(min(THREADS, len(accounts))) as pool:
        return list(pool.map(one, accounts))


def _refreshed(account: Account) -> Account | str:
    from solidarity.campaigns.engine.resolver import public_session
    from solidarity.campaigns.networks.bluesky.adapter import ADAPTER

    async def refresh():
        async with public_session(aiohttp.ClientTimeout(total=15)) as http:
            return await ADAPTER.refresh(http, account)

    try:
        return asyncio.run(refresh())
    except (aiohttp.ClientError, TimeoutError, KeyError) as error:
        log.warning("could not refresh the Bluesky session of %s: %s", account.account_id, error)
        return str(error) or type(error).__name__
