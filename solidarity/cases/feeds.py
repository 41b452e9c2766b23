"""An Atom feed per case: /<lang>/cases/<slug>/feed/.

It carries the published publications about the case in that language and the case's public
dated updates (health concerns among them). A restricted case is a 404 like an unknown one,
restricted updates are left out, and so is an update's text when that field is restricted.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.http import Http404
from django.utils import translation
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from solidarity.cases.models import CaseUpdate, Person
from solidarity.cases.selectors import case_detail
from solidarity.core.confidentiality import is_field_visible
from solidarity.core.page_cache import cached_page
from solidarity.core.syndication import PUBLIC, Entry, PublicAtomFeed
from solidarity.publications.feeds import publication_entry, published_in


def update_entry(person: Person, update: CaseUpdate) -> Entry:
    day = datetime(update.date.year, update.date.month, update.date.day, tzinfo=UTC)
    text_is_public = is_field_visible(update, "text", PUBLIC) and update.text
    return Entry(
        title=update.title,
        link=f"{person.get_absolute_url()}#update-{update.pk}",
        published=day,
        updated=day,
        summary=linebreaks(escape(update.text)) if text_is_public else None,
        categories=[str(update.get_kind_display())],
    )


class CaseFeed(PublicAtomFeed):
    def get_object(self, request, slug: str) -> Person:
        try:
            return case_detail(PUBLIC, slug)  # restricted fields already blanked
        except Person.DoesNotExist:
            raise Http404(_("No such case.")) from None

    def title(self, person: Person) -> str:
        return _("%(name)s: publications and updates") % {"name": person.name}

    def link(self, person: Person) -> str:
        return person.get_absolute_url()

    def items(self, person: Person) -> list[Entry]:
        about = published_in(translation.get_language()).filter(related_cases=person)
        entries = [publication_entry(p) for p in about[: self.max_entries]]
        entries += [update_entry(person, update) for update in person.updates.all()]
        entries.sort(key=lambda entry: entry.updated, reverse=True)
        return entries[: self.max_entries]


case_feed = cached_page()(CaseFeed())
