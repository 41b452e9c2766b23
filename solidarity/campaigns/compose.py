"""The exact text a supporter agreed to post, and how each network will measure it."""

from __future__ import annotations

from dataclasses import dataclass

from solidarity.campaigns.models import Campaign, MessageVersion, Network, Pledge
from solidarity.campaigns.networks.bluesky import text as bluesky_text
from solidarity.campaigns.networks.mastodon import text as mastodon_text


def compose(variant_text: str, personal_line: str = "", link: str = "") -> str:
    parts = [variant_text.strip()]
    if personal_line.strip():
        parts.append(personal_line.strip())
    if link and link not in variant_text:
        parts.append(link)
    return "\n\n".join(parts)


def text_for(pledge: Pledge) -> str | None:
    """What this pledge posts: its agreed version, or nothing if that version was withdrawn."""
    version: MessageVersion = pledge.agreed_version
    if version.withdrawn:
        return None
    variant = version.variants.filter(language=pledge.language).first()
    if variant is None:
        return None
    return compose(variant.text, pledge.personal_line, pledge.campaign.link)


@dataclass(frozen=True)
class Check:
    network: str
    problems: list[str]


def check_text(
    text: str, mastodon_limit: int = mastodon_text.DEFAULT_MAX_CHARACTERS
) -> list[Check]:
    return [
        Check(Network.MASTODON, mastodon_text.problems(text, mastodon_limit)),
        Check(Network.BLUESKY, bluesky_text.problems(text)),
    ]


# One grapheme, one code point and four UTF-8 bytes: a line of these is the longest a
# personal line can be by every network's measure at once (Mastodon's characters, Bluesky's
# graphemes and bytes). Links and mentions, which count otherwise, are refused in it.
WIDEST_CHARACTER = "\N{CHEERING MEGAPHONE}"


def longest_personal_line(campaign: Campaign) -> str:
    return WIDEST_CHARACTER * campaign.personal_line_max


def check_worst_case(campaign: Campaign, variant_text: str) -> list[Check]:
    """The longest post a supporter could make: the text, the longest personal line, the link."""
    return check_text(compose(variant_text, longest_personal_line(campaign), campaign.link))
