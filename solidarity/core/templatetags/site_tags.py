"""Template helpers shared by every public page."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.translation import get_language, get_language_info, override

register = template.Library()


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str  # in its own language, so a reader who cannot read the current one finds theirs
    url: str
    is_current: bool
    is_twin: bool  # the same content in that language, fit for <link rel="alternate" hreflang>


def own_name(code: str) -> str:
    name = get_language_info(code)["name_local"]
    return name[:1].upper() + name[1:]


def home_in(code: str, url_name: str = "cases:list") -> str:
    with override(code):
        return reverse(url_name)


def same_page_in(path: str, code: str) -> tuple[str, bool]:
    """This page in another language, or that language's home when the page has no twin."""
    translated = translate_url(path, code)
    if translated != path or code == get_language():
        return translated, True
    return home_in(code), False


@register.simple_tag(takes_context=True)
def language_links(context) -> list[LanguageLink]:
    """Links to this page in each language, with no JavaScript and no cookie needed.

    Most pages have the same address in every language but for the prefix. A page whose twins
    live elsewhere (a publication's translations) gives them in `language_urls`; a language it
    lacks leads to `language_fallback` (a URL name) in that language.
    """
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    twins = context.get("language_urls")
    current = get_language()
    links = []
    for code, _label in settings.LANGUAGES:
        if twins is None:
            url, is_twin = same_page_in(path, code)
        elif code in twins:
            url, is_twin = twins[code], True
        else:
            url, is_twin = home_in(code, context.get("language_fallback", "cases:list")), False
        links.append(LanguageLink(code, own_name(code), url, code == current, is_twin))
    return links
