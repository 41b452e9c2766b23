"""Mastodon's length rule: graphemes, every link counted as 23, mentions without domain."""

import regex

from solidarity.campaigns.networks import textutil

DEFAULT_MAX_CHARACTERS = 500
DEFAULT_CHARACTERS_PER_URL = 23
MENTION_DOMAIN = regex.compile(r"(?<=@\w+)@[\w.-]+\w")


def countable_length(text: str, characters_per_url: int = DEFAULT_CHARACTERS_PER_URL) -> int:
    without_links = textutil.LINK.sub("x" * characters_per_url, text)
    return textutil.graphemes(MENTION_DOMAIN.sub("", without_links))


def problems(
    text: str,
    max_characters: int = DEFAULT_MAX_CHARACTERS,
    characters_per_url: int = DEFAULT_CHARACTERS_PER_URL,
) -> list[str]:
    from django.utils.translation import gettext as _

    length = countable_length(text, characters_per_url)
    if length > max_characters:
        return [
            _("Mastodon: %(length)d of %(limit)d characters (links count as %(url)d).")
            % {"length": length, "limit": max_characters, "url": characters_per_url}
        ]
    return []
