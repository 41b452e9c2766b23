"""Bluesky's rules: 300 graphemes, 3,000 bytes, and facets on UTF-8 byte offsets."""

from solidarity.campaigns.networks import textutil

MAX_GRAPHEMES = 300
MAX_BYTES = 3000


def problems(text: str) -> list[str]:
    from django.utils.translation import gettext as _

    found = []
    length = textutil.graphemes(text)
    if length > MAX_GRAPHEMES:
        found.append(
            _("Bluesky: %(length)d of %(limit)d characters.")
            % {"length": length, "limit": MAX_GRAPHEMES}
        )
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        found.append(
            _("Bluesky: %(size)d of %(limit)d bytes.") % {"size": size, "limit": MAX_BYTES}
        )
    return found


def facets(text: str) -> list[dict]:
    """Link and hashtag facets for an app.bsky.feed.post record."""

    def facet(start: int, end: int, feature: dict) -> dict:
        return {
            "index": {
                "byteStart": textutil.byte_offset(text, start),
                "byteEnd": textutil.byte_offset(text, end),
            },
            "features": [feature],
        }

    result = [
        facet(start, end, {"$type": "app.bsky.richtext.facet#link", "uri": url})
        for start, end, url in textutil.links(text)
    ]
    result += [
        facet(start, end, {"$type": "app.bsky.richtext.facet#tag", "tag": tag})
        for start, end, tag in textutil.hashtags(text)
    ]
    return sorted(result, key=lambda f: f["index"]["byteStart"])
