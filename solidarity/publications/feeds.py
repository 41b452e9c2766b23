"""An Atom feed of the publications in one language: /<lang>/publications/feed/."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from solidarity.core.page_cache import cached_page
from solidarity.core.syndication import Entry, PublicAtomFeed
from solidarity.publications.models import Publication


def published_in(language: str):
    """Published publications in `language`, newest first."""
    return (
        Publication.objects.published()
        .filter(language=language)
        .prefetch_related("tags")
        .order_by("-published_at", "pk")
    )


def publication_entry(publication: Publication) -> Entry:
    return Entry(
        title=publication.title,
        link=publication.get_absolute_url(),
        published=publication.published_at,
        # A story scheduled ahead is "updated" no earlier than it appears.
        updated=max(publication.published_at, publication.updated_at),
        # type="html": plain text is escaped so that it stays the same text.
        summary=escape(publication.summary) if publication.summary else None,
        content=publication.body or None,  # sanitised on save, see Publication.save
        categories=[str(publication.get_kind_display())]
        + [tag.name for tag in publication.tags.all()],
    )


class PublicationsFeed(PublicAtomFeed):
    def get_object(self, request) -> str:
        return translation.get_language()

    def title(self, language: str) -> str:
        return _("%(site)s: publications") % {"site": self.author_name()}

    def subtitle(self, language: str) -> str:
        return _("Statements, news, calls to action, letters and press releases.")

    def link(self, language: str) -> str:
        return reverse("publications:list")

    def items(self, language: str) -> list[Entry]:
        return [publication_entry(p) for p in published_in(language)[: self.max_entries]]


publications_feed = cached_page()(PublicationsFeed())
