"""Everything a request needs, decrypted and composed once, before the moment."""

from __future__ import annotations

from dataclasses import dataclass

from solidarity.campaigns.models import Campaign, Delivery, Pledge, ServerApp
from solidarity.campaigns.networks.base import Account, Adapter, Post
from solidarity.campaigns.networks.bluesky.sessions import refresh_expiring
from solidarity.campaigns.networks.registry import adapter_for


@dataclass(frozen=True)
class Prepared:
    adapter: Adapter
    account: Account
    post: Post
    host: str


def account_for(pledge: Pledge, app: ServerApp | None) -> Account:
    return Account(
        server=pledge.server,
        account_id=pledge.account_id,
        access_token=pledge.access_token,
        refresh_token=pledge.refresh_token,
        client_id=app.client_id if app else "",
        client_secret=app.client_secret if app else "",
        email=pledge.email,
        dpop_private_key=pledge.dpop_private_key,
    )


# What a request needs and no more: this process holds it, decrypted, until the moment ends.
DELIVERY_FIELDS = ("text", "language", "idempotency_key", "record_key", "media", "network", "host")
PLEDGE_FIELDS = tuple(
    f"pledge__{name}"
    for name in (
        *("network", "server", "account_id", "email"),
        *("access_token", "refresh_token", "dpop_private_key"),
    )
)


def prepare(campaign_id: int, hosts: list[str] | None = None) -> dict[int, Prepared]:
    """What is still to send, of `hosts` (None: of every host)."""
    # Bluesky tokens from the T-1 h preflight expire about at T: renew them first.
    refresh_expiring(campaign_id)
    moment = Campaign.objects.values_list("moment", flat=True).get(pk=campaign_id)
    deliveries = (
        Delivery.objects.filter(campaign_id=campaign_id)
        .exclude(state__in=[Delivery.State.POSTED, Delivery.State.FAILED, Delivery.State.CANCELLED])
        .select_related("pledge")
        .only(*DELIVERY_FIELDS, *PLEDGE_FIELDS)
    )
    if hosts is not None:
        deliveries = deliveries.filter(host__in=hosts)
    apps = {(app.network, app.server): app for app in ServerApp.objects.all()}
    prepared = {}
    # Row by row, not all model instances at once: their peak stayed as this process's size.
    for delivery in deliveries.iterator(chunk_size=500):
        pledge = delivery.pledge
        account = account_for(pledge, apps.get((pledge.network, pledge.server)))
        post = Post(
            delivery_id=delivery.pk,
            text=delivery.text,
            language=delivery.language,
            idempotency_key=str(delivery.idempotency_key),
            record_key=delivery.record_key,
            not_before=moment,
            media=(delivery.media or {}).get("ref", {}),
        )
        adapter = adapter_for(delivery.network)
        encode = getattr(adapter, "encode", None)
        if encode is not None:  # the request body, built now rather than at T
            post = encode(account, post)
        prepared[delivery.pk] = Prepared(adapter, account, post, delivery.host)
    return prepared
