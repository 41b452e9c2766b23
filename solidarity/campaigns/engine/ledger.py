"""Every state change of a delivery, written to the database before and after the network.

Claims are conditional UPDATEs that only the first claimant wins (on SQLite and PostgreSQL
alike); a claim also checks, in the same statement, that the campaign is still sending, so a
cancel that has committed stops every later claim.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce

from solidarity.campaigns.engine import backoff
from solidarity.campaigns.models import Campaign, Delivery
from solidarity.campaigns.networks.base import Outcome, Result

SENDING_STATES = (Campaign.State.ARMED, Campaign.State.SENDING)
OPEN_STATES = (Delivery.State.PENDING, Delivery.State.IN_FLIGHT, Delivery.State.UNKNOWN)


def claim(
    campaign_id: int, ids: Iterable[int], state: str, owner: str, now: datetime, lease: timedelta
) -> tuple[str, list[int]]:
    """Take `ids` that are still in `state` and due; return the lease token and what it won."""
    token = f"{owner}/{uuid.uuid4().hex[:12]}"
    ids = list(ids)
    won: list[int] = []
    for start in range(0, len(ids), 500):  # keep SQLite's parameter count low
        chunk = ids[start : start + 500]
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


def due(campaign_id: int, state: str, now: datetime) -> list[int]:
    return list(
        Delivery.objects.filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
            campaign_id=campaign_id,
            state=state,
        ).values_list("pk", flat=True)
    )


def expire_leases(campaign_id: int, now: datetime) -> int:
    """A lease that ran out means its sender died mid-request: the outcome is unknown."""
    return Delivery.objects.filter(
        campaign_id=campaign_id,
        state=Delivery.State.IN_FLIGHT,
        lease_until__lt=now,
    ).update(
        state=Delivery.State.UNKNOWN,
        lease_owner="",
        next_attempt_at=now,
        failure_reason="sender stopped mid-request",
    )


def record(token: str, results: dict[int, Result], now: datetime, give_up_at: datetime) -> None:
    """Store outcomes of requests made under the lease `token`."""
    with transaction.atomic():
        for delivery in Delivery.objects.filter(
            pk__in=list(results), lease_owner=token, state=Delivery.State.IN_FLIGHT
        ):
            _apply(delivery, results[delivery.pk], now, give_up_at)
            delivery.save(
                update_fields=[
                    "state",
                    "remote_id",
                    "remote_url",
                    "posted_at",
                    "failure_reason",
                    "next_attempt_at",
                    "lease_owner",
                    "lease_until",
                    "updated_at",
                ]
            )


def _apply(delivery: Delivery, result: Result, now: datetime, give_up_at: datetime) -> None:
    delivery.lease_owner, delivery.lease_until = "", None
    delivery.failure_reason = result.reason[:200]
    if result.outcome == Outcome.POSTED:
        delivery.state = Delivery.State.POSTED
        delivery.remote_id, delivery.remote_url = result.remote_id, result.url[:500]
        delivery.posted_at = result.posted_at or now
        delivery.failure_reason = ""
        return
    if result.outcome == Outcome.FAILED:
        delivery.state = Delivery.State.FAILED
        return
    if result.outcome == Outcome.CANCELLED:
        delivery.state = Delivery.State.CANCELLED
        return
    retry_at = backoff.next_attempt(now, delivery.attempts, result.retry_after)
    if retry_at >= give_up_at:
        delivery.state = Delivery.State.FAILED
        delivery.failure_reason = f"gave up at the deadline: {result.reason}"[:200]
        return
    delivery.next_attempt_at = retry_at
    # A certain "not created" goes back to the queue; anything uncertain is checked first.
    delivery.state = (
        Delivery.State.PENDING if result.outcome == Outcome.RETRY else Delivery.State.UNKNOWN
    )


def record_absent(token: str, ids: Iterable[int], now: datetime) -> None:
    """Reconciliation found no post: safe to send again, with the same identity."""
    Delivery.objects.filter(
        pk__in=list(ids), lease_owner=token, state=Delivery.State.IN_FLIGHT
    ).update(state=Delivery.State.PENDING, lease_owner="", lease_until=None, next_attempt_at=now)


def give_up(campaign_id: int, reason: str) -> int:
    return Delivery.objects.filter(
        campaign_id=campaign_id, state__in=[Delivery.State.PENDING, Delivery.State.UNKNOWN]
    ).update(state=Delivery.State.FAILED, failure_reason=reason[:200], lease_owner="")


def open_count(campaign_id: int) -> int:
    return Delivery.objects.filter(campaign_id=campaign_id, state__in=OPEN_STATES).count()


def next_due(campaign_id: int) -> datetime | None:
    return (
        Delivery.objects.filter(
            campaign_id=campaign_id, state__in=[Delivery.State.PENDING, Delivery.State.UNKNOWN]
        )
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )


def start_sending(campaign_id: int) -> bool:
    """ARMED becomes SENDING; a restart finds it SENDING already. False if cancelled."""
    Campaign.objects.filter(pk=campaign_id, state=Campaign.State.ARMED).update(
        state=Campaign.State.SENDING
    )
    return Campaign.objects.filter(pk=campaign_id, state=Campaign.State.SENDING).exists()


def finish(campaign_id: int) -> None:
    """After the deadline or when nothing is left: what is still open has failed."""
    with transaction.atomic():
        give_up(campaign_id, "not delivered before the deadline")
        Delivery.objects.filter(
            campaign_id=campaign_id,
            state=Delivery.State.IN_FLIGHT,
        ).update(
            state=Delivery.State.FAILED,
            lease_owner="",
            failure_reason="outcome unknown at the deadline",
        )
        Campaign.objects.filter(pk=campaign_id, state=Campaign.State.SENDING).update(
            state=Campaign.State.DONE
        )
