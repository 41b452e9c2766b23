"""Every state change of a delivery, written to the database before and after the network.

Claims are conditional UPDATEs that only the first claimant wins (on SQLite and PostgreSQL
alike); a claim also checks, in the same statement, that the campaign is still sending, so a
cancel that has committed stops every later claim. Outcomes are written only under the
claim's own lease token, so a sender that lost its lease cannot overwrite anything.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce

from solidarity.campaigns.models import Campaign, Delivery
from solidarity.campaigns.networks.base import Outcome, Result

SENDING_STATES = (Campaign.State.ARMED, Campaign.State.SENDING)
OPEN_STATES = (Delivery.State.PENDING, Delivery.State.IN_FLIGHT, Delivery.State.UNKNOWN)
CHUNK = 500  # keeps SQLite's parameter count low


def _chunks(ids: list[int]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


@dataclass(frozen=True)
class Due:
    pk: int
    state: str
    attempts: int
    next_attempt_at: datetime | None


def shard_hosts(campaign_id: int, index: int, count: int) -> list[str] | None:
    """The hosts sender `index` of `count` sends to (None: all of them). Hosts are dealt out
    largest first, each to the sender with the fewest posts so far, so that every host has
    one sender (its concurrency cap holds) and the senders have about as many posts each.
    The deliveries are fixed when the campaign is armed, so every sender, whenever it
    starts, deals the same hands."""
    if count <= 1:
        return None
    sizes = (
        Delivery.objects.filter(campaign_id=campaign_id)
        .values_list("host")
        .annotate(posts=Count("pk"))
        .order_by("-posts", "host")
    )
    loads = [0] * count
    mine = []
    for host, posts in sizes:
        sender = min(range(count), key=lambda candidate: (loads[candidate], candidate))
        loads[sender] += posts
        if sender == index:
            mine.append(host)
    return mine


def _of_hosts(rows, hosts: list[str] | None):
    return rows if hosts is None else rows.filter(host__in=hosts)


def due(campaign_id: int, now: datetime, hosts: list[str] | None = None) -> list[Due]:
    """Deliveries waiting to be sent (PENDING) or looked up (UNKNOWN), oldest first."""
    rows = Delivery.objects.filter(
        campaign_id=campaign_id,
        state__in=[Delivery.State.PENDING, Delivery.State.UNKNOWN],
    )
    rows = _of_hosts(rows, hosts).values_list("pk", "state", "attempts", "next_attempt_at")
    return [Due(*row) for row in rows]


def claim(
    campaign_id: int, ids: Iterable[int], state: str, owner: str, now: datetime, lease: timedelta
) -> tuple[str, list[int]]:
    """Take `ids` that are still in `state` and due; return the lease token and what it won."""
    token = f"{owner}/{uuid.uuid4().hex[:12]}"
    won: list[int] = []
    for chunk in _chunks(list(ids)):
        Delivery.objects.filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
            pk__in=chunk,
            campaign_id=campaign_id,
            state=state,
            campaign__state__in=SENDING_STATES,
        ).update(
            state=Delivery.State.IN_FLIGHT,
            lease_owner=token,
            lease_until=now + lease,
            attempts=F("attempts") + 1,
            first_attempt_at=Coalesce("first_attempt_at", now),
        )
        won += Delivery.objects.filter(pk__in=chunk, lease_owner=token).values_list("pk", flat=True)
    return token, won


def expire_leases(campaign_id: int, now: datetime) -> int:
    """A lease that ran out means its sender died mid-request: the outcome is unknown."""
    return Delivery.objects.filter(
        campaign_id=campaign_id,
        state=Delivery.State.IN_FLIGHT,
        lease_until__lt=now,
    ).update(
        state=Delivery.State.UNKNOWN,
        lease_owner="",
        lease_until=None,
        next_attempt_at=now,
        failure_reason="sender stopped mid-request",
    )


@dataclass(frozen=True)
class Recorded:
    """What became of one request, and when to try again if it must be."""

    token: str
    result: Result | None  # None: looked up and absent, so it may be sent again
    retry_at: datetime | None = None


STATE_AFTER = {
    Outcome.POSTED: Delivery.State.POSTED,
    Outcome.FAILED: Delivery.State.FAILED,
    Outcome.CANCELLED: Delivery.State.CANCELLED,
    Outcome.RETRY: Delivery.State.PENDING,  # certainly not created: back to the queue
    Outcome.UNKNOWN: Delivery.State.UNKNOWN,  # may exist: look it up before anything else
}
TIMES = {"posted_at", "next_attempt_at", "lease_until", "updated_at"}


def record(outcomes: dict[int, Recorded], now: datetime) -> None:
    """Store outcomes, each only if its delivery is still held under the same lease.

    One prepared UPDATE per kind of outcome, run for all its rows (executemany), with the
    lease check in its WHERE: check and write are one statement. 10,000 outcomes take tens
    of milliseconds, where loading the rows and writing them back with bulk_update (a CASE
    per column) took seconds on SQLite and held up the next claims.
    """
    by_columns: dict[tuple[str, ...], list[list]] = defaultdict(list)
    for pk, outcome in outcomes.items():
        values = _after(outcome, now)
        columns = tuple(values)
        by_columns[columns].append(
            [_db_value(name, values[name]) for name in columns]
            + [pk, Delivery.State.IN_FLIGHT, outcome.token]
        )
    if not by_columns:
        return
    quote = connection.ops.quote_name
    column = {field.name: quote(field.column) for field in Delivery._meta.concrete_fields}
    with transaction.atomic(), connection.cursor() as cursor:
        for columns, rows in by_columns.items():
            # Only our own column names are spliced in; every value is a parameter.
            assignments = ", ".join(f"{column[name]} = %s" for name in columns)
            cursor.executemany(
                f"UPDATE {quote(Delivery._meta.db_table)} SET {assignments} "  # noqa: S608
                f"WHERE {column['id']} = %s AND {column['state']} = %s "
                f"AND {column['lease_owner']} = %s",
                rows,
            )


def _db_value(name: str, value):
    if name in TIMES and value is not None:
        return Delivery._meta.get_field(name).get_db_prep_save(value, connection)
    return value


def _after(outcome: Recorded, now: datetime) -> dict:
    """The columns `outcome` changes (others keep their values); the lease is given back."""
    values = {"lease_owner": "", "lease_until": None, "updated_at": now}
    result = outcome.result
    if result is None:  # looked up and absent: it may be sent again now
        return values | {"state": Delivery.State.PENDING, "next_attempt_at": now}
    values["state"] = STATE_AFTER[result.outcome]
    values["failure_reason"] = result.reason[:200]
    if result.outcome == Outcome.POSTED:
        values["remote_id"], values["remote_url"] = result.remote_id, result.url[:500]
        values["posted_at"] = result.posted_at or now
    elif values["state"] in (Delivery.State.PENDING, Delivery.State.UNKNOWN):
        if outcome.retry_at is None and values["state"] == Delivery.State.PENDING:
            values["state"] = Delivery.State.FAILED
            values["failure_reason"] = f"gave up at the deadline: {result.reason}"[:200]
        # An UNKNOWN past the deadline stays so: engine.settle looks it up, never resends.
        values["next_attempt_at"] = outcome.retry_at
    return values


def open_count(campaign_id: int, hosts: list[str] | None = None) -> int:
    rows = Delivery.objects.filter(campaign_id=campaign_id, state__in=OPEN_STATES)
    return _of_hosts(rows, hosts).count()


def start_sending(campaign_id: int) -> bool:
    """ARMED becomes SENDING; a restart finds it SENDING already. False if cancelled."""
    Campaign.objects.filter(pk=campaign_id, state=Campaign.State.ARMED).update(
        state=Campaign.State.SENDING
    )
    return Campaign.objects.filter(pk=campaign_id, state=Campaign.State.SENDING).exists()


def campaign_state(campaign_id: int) -> str:
    return Campaign.objects.values_list("state", flat=True).get(pk=campaign_id)


def finish(campaign_id: int, now: datetime) -> None:
    """Past the deadline: what is still open has failed; the campaign is done."""
    with transaction.atomic():
        Delivery.objects.filter(campaign_id=campaign_id, state=Delivery.State.PENDING).update(
            state=Delivery.State.FAILED, failure_reason="not delivered before the deadline"
        )
        Delivery.objects.filter(
            Q(state=Delivery.State.UNKNOWN)
            | Q(state=Delivery.State.IN_FLIGHT, lease_until__lt=now),
            campaign_id=campaign_id,
        ).update(
            state=Delivery.State.UNKNOWN,
            lease_owner="",
            lease_until=None,
            failure_reason="outcome unknown at the deadline",
        )
        # What stays UNKNOWN is settled by lookups only (engine.settle), never sent again.
        Campaign.objects.filter(pk=campaign_id, state=Campaign.State.SENDING).update(
            state=Campaign.State.DONE
        )
