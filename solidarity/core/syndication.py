"""Atom feeds (RFC 4287) for the public site, shared by the publication and case feeds.

Feeds are always the public view, whoever asks: feed readers are not signed in, and a feed
fetched by an organiser's browser must not carry restricted data into some shared reader.
Each feed turns its records into `Entry` values, so one feed may mix kinds of record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

# The viewer every feed reads the case registry as.
PUBLIC = AnonymousUser()


@dataclass(frozen=True)
class Entry:
    title: str
    link: str  # site-relative; the feed makes it absolute, and it doubles as the entry's id
    published: datetime
    updated: datetime
    summary: str | None = None  # HTML
    content: str | None = None  # HTML
    categories: list[str] = field(default_factory=list)


class AtomWithContent(Atom1Feed):
    """Atom with each entry's full text in <content type="html">, which Atom1Feed leaves out."""

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class PublicAtomFeed(Feed):
    feed_type = AtomWithContent
    max_entries = 50

    def author_name(self) -> str:
        return getattr(settings, "SITE_NAME", "Solidarity")

    def item_title(self, entry: Entry) -> str:
        return entry.title

    def item_link(self, entry: Entry) -> str:
        return entry.link

    def item_description(self, entry: Entry) -> str | None:
        return entry.summary

    def item_pubdate(self, entry: Entry) -> datetime:
        return entry.published

    def item_updateddate(self, entry: Entry) -> datetime:
        return entry.updated

    def item_categories(self, entry: Entry) -> list[str]:
        return entry.categories

    def item_extra_kwargs(self, entry: Entry) -> dict:
        return {"content": entry.content}
