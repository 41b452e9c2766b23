"""Every state change of a delivery, written to the database before and after the network.

Claims are conditional UPDATEs that only the first claimant wins (on SQLite and PostgreSQL
alike); a claim also checks, in the same statement, that the campaign is still sending, so a
cancel that has committed stops every later claim. Outcomes are written only under the
claim's own lease token, so a sender that lost its lease cannot overwrite anything.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
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


def due(campaign_id: int, now: datetime) -> list[Due]:
    """Deliveries waiting to be sent (PENDING) or looked up (UNKNOWN), oldest first."""
    rows = Delivery.objects.filter(
        campaign_id=campaign_id,
        state__in=[Delivery.State.PENDING, Delivery.State.UNKNOWN],
    ).values_list("pk", "state", "attempts", "next_attempt_at")
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
FIELDS = [
    "state",
    "remote_id",
    "remote_url",
    "posted_at",
    "failure_reason",
    "next_attempt_at",
    "lease_owner",
    "lease_until",
]


def record(outcomes: dict[int, Recorded], now: datetime) -> None:
    """Store outcomes, each only if its delivery is still held under the same lease."""
    if not outcomes:
        return
    with transaction.atomic():
        held = []
        for chunk in _chunks(list(outcomes)):
            for delivery in Delivery.objects.filter(pk__in=chunk, state=Delivery.State.IN_FLIGHT):
                outcome = outcomes[delivery.pk]
                if delivery.lease_owner == outcome.token:
                    _apply(delivery, outcome, now)
                    held.append(delivery)
        Delivery.objects.bulk_update(held, FIELDS, batch_size=CHUNK)


def _apply(delivery: Delivery, outcome: Recorded, now: datetime) -> None:
    delivery.lease_owner, delivery.lease_until = "", None
    result = outcome.result
    if result is None:
        delivery.state, delivery.next_attempt_at = Delivery.State.PENDING, now
        return
    delivery.state = STATE_AFTER[result.outcome]
    delivery.failure_reason = result.reason[:200]
    if result.outcome == Outcome.POSTED:
        delivery.remote_id, delivery.remote_url = result.remote_id, result.url[:500]
        delivery.posted_at = result.posted_at or now
    elif delivery.state in (Delivery.State.PENDING, Delivery.State.UNKNOWN):
        if outcome.retry_at is None and delivery.state == Delivery.State.PENDING:
            delivery.state = Delivery.State.FAILED
            delivery.failure_reason = f"gave up at the deadline: {result.reason}"[:200]
        # An UNKNOWN past the deadline stays so: engine.settle looks it up, never resends.
        delivery.next_attempt_at = outcome.retry_at


def open_count(campaign_id: int) -> int:
    return Delivery.objects.filter(campaign_id=campaign_id, state__in=OPEN_STATES).count()


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
