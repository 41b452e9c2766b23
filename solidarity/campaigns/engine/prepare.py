"""Everything a request needs, decrypted and composed once, before the moment."""

from __future__ import annotations

from dataclasses import dataclass

from solidarity.campaigns.models import Delivery, Pledge, ServerApp
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


def prepare(campaign_id: int) -> dict[int, Prepared]:
    # Bluesky tokens from the T-1 h preflight expire about at T: renew them first.
    refresh_expiring(campaign_id)
    deliveries = (
        Delivery.objects.filter(campaign_id=campaign_id)
        .exclude(state__in=[Delivery.State.POSTED, Delivery.State.FAILED, Delivery.State.CANCELLED])
        .select_related("pledge", "campaign")
    )
    apps = {(app.network, app.server): app for app in ServerApp.objects.all()}
    prepared = {}
    for delivery in deliveries:
        pledge = delivery.pledge
        account = account_for(pledge, apps.get((pledge.network, pledge.server)))
        post = Post(
            delivery_id=delivery.pk,
            text=delivery.text,
            language=delivery.language,
            idempotency_key=str(delivery.idempotency_key),
            record_key=delivery.record_key,
            not_before=delivery.campaign.moment,
            media=(delivery.media or {}).get("ref", {}),
        )
        adapter = adapter_for(delivery.network)
        encode = getattr(adapter, "encode", None)
        if encode is not None:  # the request body, built now rather than at T
            post = encode(account, post)
        prepared[delivery.pk] = Prepared(adapter, account, post, delivery.host)
    return prepared
