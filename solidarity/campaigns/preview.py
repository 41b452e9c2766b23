"""How each network will show a message, and how it measures against each limit.

Rendered on the server as plain HTML (no script, no inline style, nothing loaded from
elsewhere), for the organiser's change page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from solidarity.campaigns import compose
from solidarity.campaigns.models import Campaign, MessageVersion
from solidarity.campaigns.networks import textutil
from solidarity.campaigns.networks.bluesky import text as bluesky_text
from solidarity.campaigns.networks.mastodon import text as mastodon_text

# Mastodon shows a link without its scheme and "www.", cut after 30 characters with an ellipsis.
MASTODON_LINK_SHOWN = 30


@dataclass(frozen=True)
class Measure:
    label: str
    value: int
    limit: int

    @property
    def over(self) -> bool:
        return self.value > self.limit


@dataclass(frozen=True)
class NetworkPreview:
    network: str
    html: SafeString
    measures: list[Measure]


@dataclass(frozen=True)
class LanguagePreview:
    language: str
    text: str
    networks: list[NetworkPreview]
    # The same measures with the longest personal line a supporter may add.
    worst_case: list[NetworkPreview]


def mastodon_link_text(url: str) -> str:
    shown = url.split("://", 1)[-1].removeprefix("www.")
    return shown[:MASTODON_LINK_SHOWN] + "…" if len(shown) > MASTODON_LINK_SHOWN else shown


def _render(text: str, spans: list[tuple[int, int, str]]) -> SafeString:
    """`text` escaped, with each (start, end, html-template) span wrapped; newlines kept."""
    out, position = [], 0
    for start, end, template in sorted(spans):
        if start < position:
            continue  # overlapping (a '#' inside a link): the link wins
        out.append(escape(text[position:start]))
        out.append(template.format(inner=escape(text[start:end])))
        position = end
    out.append(escape(text[position:]))
    return mark_safe("".join(out).replace("\n", "<br>"))  # noqa: S308 - escaped above


def mastodon_html(text: str) -> SafeString:
    spans = [
        (
            start,
            end,
            f'<a href="{escape(url)}" rel="nofollow noopener noreferrer" title="{escape(url)}">'
            f"{escape(mastodon_link_text(url))}</a>".replace("{", "{{").replace("}", "}}"),
        )
        for start, end, url in textutil.links(text)
    ]
    spans += [
        (start, end, '<a class="hashtag" rel="tag">{inner}</a>')
        for start, end, _tag in textutil.hashtags(text)
    ]
    return _render(text, spans)


def bluesky_html(text: str) -> SafeString:
    """The text with each facet marked, and its UTF-8 byte range (what the record stores)."""
    spans = []
    for facet in bluesky_text.facets(text):
        feature = facet["features"][0]
        kind = _("link") if feature["$type"].endswith("#link") else _("hashtag")
        byte_start, byte_end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
        start = len(text.encode()[:byte_start].decode())
        end = len(text.encode()[:byte_end].decode())
        title = _("%(kind)s facet, bytes %(start)d–%(end)d") % {
            "kind": kind,
            "start": byte_start,
            "end": byte_end,
        }
        spans.append((start, end, f'<mark title="{escape(title)}">{{inner}}</mark>'))
    return _render(text, spans)


def measure(text: str) -> list[NetworkPreview]:
    return [
        NetworkPreview(
            "Mastodon",
            mastodon_html(text),
            [
                Measure(
                    _("characters (links count as 23)"),
                    mastodon_text.countable_length(text),
                    mastodon_text.DEFAULT_MAX_CHARACTERS,
                )
            ],
        ),
        NetworkPreview(
            "Bluesky",
            bluesky_html(text),
            [
                Measure(_("graphemes"), textutil.graphemes(text), bluesky_text.MAX_GRAPHEMES),
                Measure(_("bytes (UTF-8)"), len(text.encode()), bluesky_text.MAX_BYTES),
            ],
        ),
    ]


def preview_text(campaign: Campaign, language: str, variant_text: str) -> LanguagePreview:
    text = compose.compose(variant_text, "", campaign.link)
    longest = compose.compose(variant_text, "x" * campaign.personal_line_max, campaign.link)
    return LanguagePreview(language, text, measure(text), measure(longest))


def preview_version(campaign: Campaign, version: MessageVersion | None) -> list[LanguagePreview]:
    if version is None:
        return []
    return [
        preview_text(campaign, variant.language, variant.text) for variant in version.variants.all()
    ]
