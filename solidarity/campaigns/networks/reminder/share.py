"""Ready share links for closed networks, where nothing can be posted on a supporter's behalf.

The supporter clicks one at the moment and posts the message themselves. Facebook and LinkedIn
share a link, not text, so they are offered only when the message carries one.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from solidarity.campaigns.networks import textutil


@dataclass(frozen=True)
class ShareLink:
    network: str
    url: str


def first_link(text: str) -> str:
    found = textutil.links(text)
    return found[0][2] if found else ""


def share_links(text: str, subject: str = "") -> list[ShareLink]:
    link = first_link(text)
    shares = [ShareLink("X", "https://x.com/intent/tweet?" + urlencode({"text": text}))]
    if link:
        shares += [
            ShareLink(
                "Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": link})
            ),
            ShareLink(
                "LinkedIn",
                "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": link}),
            ),
            ShareLink(
                "Telegram", "https://t.me/share/url?" + urlencode({"url": link, "text": text})
            ),
        ]
    else:
        shares.append(ShareLink("Telegram", "https://t.me/share/url?" + urlencode({"url": text})))
    # mailto wants %20 for spaces (RFC 6068), not "+".
    shares.append(ShareLink("Email", f"mailto:?subject={quote(subject)}&body={quote(text)}"))
    return shares
