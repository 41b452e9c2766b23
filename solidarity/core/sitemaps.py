"""The sitemap at /sitemap.xml: public case pages and published publications.

Each page is listed in every language it exists in, with hreflang alternates, so search
engines show each reader the page in their language. Cases are read as an anonymous viewer:
a restricted person never appears.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.utils import translation

from solidarity.cases.selectors import cases
from solidarity.core.syndication import PUBLIC
from solidarity.publications.models import Publication


class CaseSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True  # the unprefixed address, which redirects by the reader's language
    changefreq = "daily"  # the detention counter changes every day

    def items(self):
        return cases(PUBLIC).order_by("slug")


@dataclass(frozen=True)
class Story:
    """The versions of one publication in its languages (one translation group)."""

    versions: dict[str, Publication]


class PublicationSitemap(Sitemap):
    """One entry per language version, with the other versions as its alternates.

    Versions of a story have different slugs, so Django's x-default (the default language's
    address without its prefix) would not resolve; the default-language version stands in.
    """

    i18n = True
    alternates = True
    changefreq = "weekly"

    def items(self) -> list[Story]:
        groups: dict = defaultdict(dict)
        for publication in Publication.objects.published().order_by("-published_at", "pk"):
            groups[publication.translation_group][publication.language] = publication
        return [Story(versions) for versions in groups.values()]

    def get_languages_for_item(self, story: Story) -> list[str]:
        return [code for code, _name in settings.LANGUAGES if code in story.versions]

    def location(self, story: Story) -> str:
        return story.versions[translation.get_language()].get_absolute_url()

    def get_urls(self, page=1, site=None, protocol=None) -> list[dict]:
        urls = super().get_urls(page, site, protocol)
        for url in urls:
            story, language = url["item"]
            # Sitemap.lastmod is called without the language, so it is filled in here.
            url["lastmod"] = story.versions[language].updated_at
            default = [a for a in url["alternates"] if a["lang_code"] == settings.LANGUAGE_CODE]
            if default:
                url["alternates"].append(
                    {"location": default[0]["location"], "lang_code": "x-default"}
                )
        return urls


SITEMAPS = {"cases": CaseSitemap, "publications": PublicationSitemap}
