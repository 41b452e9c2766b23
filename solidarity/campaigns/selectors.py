"""Reads about Thunderclaps for the organiser's report and the supporter's receipt.

Nothing here returns a secret (tokens, emails, handles), and nothing names a supporter who did
not agree to be listed: the report is for organisers, but "who supported what" must not leak
from it either (a laptop is seized, a CSV is forwarded).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Sum

from solidarity.campaigns.models import Campaign, Delivery, Network, Pledge

EXPORT_COLUMNS = (
    "delivery_id",
    "network",
    "host",
    "language",
    "state",
    "posted_at",
    "lateness_ms",
    "receipt_url",
    "failure_reason",
    "attempts",
    "listed_name",
)


def _zero_filled(choices, counted) -> dict[str, int]:
    counts = dict(counted)
    return {value: counts.get(value, 0) for value, _label in choices}


def pledge_counts(campaign: Campaign) -> dict[str, int]:
    """Pledges by state: before the moment, `active` are ready and `broken` need reconnecting."""
    counted = campaign.pledges.values_list("state").annotate(n=Count("pk"))
    return _zero_filled(Pledge.State.choices, counted)


def delivery_counts(campaign: Campaign) -> dict[str, int]:
    counted = campaign.deliveries.values_list("state").annotate(n=Count("pk"))
    return _zero_filled(Delivery.State.choices, counted)


def reach(campaign: Campaign) -> int:
    """Followers of the accounts that posted (as counted at pledge time or pre-flight)."""
    posted = campaign.pledges.filter(delivery__state=Delivery.State.POSTED)
    return posted.aggregate(total=Sum("followers_count"))["total"] or 0


def reach_unknown(campaign: Campaign) -> int:
    """Accounts that posted whose followers could not be counted (e.g. a Bluesky server that
    would not ask an AppView): left out of `reach`, so the report says how many there are."""
    posted = campaign.pledges.filter(delivery__state=Delivery.State.POSTED)
    unknown = posted.filter(followers_count__isnull=True)
    return unknown.exclude(network=Network.REMINDER).count()


def posted_without_image(campaign: Campaign) -> int:
    """Posts that went out with the text alone because the image upload was refused."""
    if not campaign.image:
        return 0
    posted = campaign.deliveries.filter(state=Delivery.State.POSTED)
    return posted.exclude(network=Network.REMINDER).exclude(media__has_key="ref").count()


def failures_by_reason(campaign: Campaign) -> list[tuple[str, str, int]]:
    """(state, reason, count) for deliveries that did not post, most frequent first."""
    rows = (
        campaign.deliveries.filter(state__in=[Delivery.State.FAILED, Delivery.State.UNKNOWN])
        .values_list("state", "failure_reason")
        .annotate(n=Count("pk"))
        .order_by("-n", "state", "failure_reason")
    )
    return [(state, reason, n) for state, reason, n in rows]


def lateness_ms(campaign: Campaign) -> list[int]:
    """How long after the moment each post was made, in milliseconds, sorted."""
    posted = campaign.deliveries.filter(
        state=Delivery.State.POSTED, posted_at__isnull=False
    ).values_list("posted_at", flat=True)
    return sorted(round((at - campaign.moment).total_seconds() * 1000) for at in posted)


def export_rows(campaign: Campaign) -> Iterator[dict[str, object]]:
    """One row per delivery for the organiser's CSV.

    A post's URL names the account that made it, so it is given only for supporters who chose
    to be listed; so is their name. Everyone else is a row of counts and timings.
    """
    deliveries = (
        campaign.deliveries.select_related("pledge")
        .only(
            "pk",
            "network",
            "host",
            "language",
            "state",
            "posted_at",
            "remote_url",
            "failure_reason",
            "attempts",
            "pledge__listed_publicly",
            "pledge__display_name",
        )
        .order_by("pk")
    )
    for delivery in deliveries.iterator(chunk_size=1000):
        listed = delivery.pledge.listed_publicly
        yield {
            "delivery_id": delivery.pk,
            "network": delivery.network,
            "host": delivery.host,
            "language": delivery.language,
            "state": delivery.state,
            "posted_at": delivery.posted_at.isoformat() if delivery.posted_at else "",
            "lateness_ms": (
                round((delivery.posted_at - campaign.moment).total_seconds() * 1000)
                if delivery.posted_at
                else ""
            ),
            "receipt_url": delivery.remote_url if listed else "",
            "failure_reason": delivery.failure_reason,
            "attempts": delivery.attempts,
            "listed_name": delivery.pledge.display_name if listed else "",
        }


@dataclass(frozen=True)
class Receipt:
    remote_url: str
    posted_at: datetime


def receipt_for(pledge: Pledge) -> Receipt | None:
    """The supporter's own proof: a link to their post, once it is posted."""
    delivery = (
        Delivery.objects.filter(pledge=pledge, state=Delivery.State.POSTED)
        .only("remote_url", "posted_at")
        .first()
    )
    if delivery is None or delivery.posted_at is None:
        return None
    return Receipt(remote_url=delivery.remote_url, posted_at=delivery.posted_at)
