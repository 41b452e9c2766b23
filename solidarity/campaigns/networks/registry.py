"""Which adapter posts for which network."""

from solidarity.campaigns.networks.base import Adapter
from solidarity.campaigns.networks.bluesky.adapter import ADAPTER as BLUESKY
from solidarity.campaigns.networks.mastodon.adapter import ADAPTER as MASTODON
from solidarity.campaigns.networks.reminder.adapter import ADAPTER as REMINDER

ADAPTERS: dict[str, Adapter] = {
    MASTODON.network: MASTODON,
    BLUESKY.network: BLUESKY,
    REMINDER.network: REMINDER,
}


def adapter_for(network: str) -> Adapter:
    return ADAPTERS[network]
