"""Public publication pages: the listing by day, and one publication with its translations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import groupby

from django import forms
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from solidarity.cases.models import Person
from solidarity.core.page_cache import cached_page
from solidarity.publications.models import Publication

PUBLICATIONS_PER_PAGE = 30


class KindFilter(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("All kinds")), *Publication.Kind.choices],
        error_messages={"invalid_choice": gettext_lazy("“%(value)s” is not a kind we publish.")},
    )


@dataclass(frozen=True)
class Day:
    date: date
    publications: list[Publication]


def group_by_day(publications) -> list[Day]:
    """Consecutive publications of one calendar day (in the site's time zone) under one heading."""

    def day(publication: Publication) -> date:
        return timezone.localdate(publication.published_at)

    return [Day(d, list(items)) for d, items in groupby(publications, key=day)]


@cached_page()
def publication_list(request):
    form = KindFilter(request.GET)
    if not form.is_valid():
        return render(request, "publications/list.html", {"form": form}, status=400)
    publications = Publication.objects.published().filter(language=get_language())
    if kind := form.cleaned_data["kind"]:
        publications = publications.filter(kind=kind)
    try:
        page = Paginator(publications, PUBLICATIONS_PER_PAGE).page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404(_("There is no such page of publications.")) from error
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "days": group_by_day(page),
        "query_without_page": query.urlencode(),
        "shows_demo_data": any(p.is_demo for p in page),
    }
    return render(request, "publications/list.html", context)


@cached_page()
def publication_detail(request, slug: str):
    # Editors preview drafts and scheduled pieces; everyone else sees what is published.
    visible = Publication.objects.published()
    if request.user.is_staff:
        visible = Publication.objects.all()
    try:
        publication = visible.prefetch_related("tags", "media_contacts").get(
            language=get_language(), slug=slug
        )
    except Publication.DoesNotExist as error:
        raise Http404(_("There is no publication at this address.")) from error
    translations = list(publication.translations())
    context = {
        "publication": publication,
        "related_cases": Person.objects.visible_to(request.user).filter(publications=publication),
        "translations": translations,
        "language_urls": {p.language: p.get_absolute_url() for p in [publication, *translations]},
        "language_fallback": "publications:list",
        "shows_demo_data": publication.is_demo,
    }
    return render(request, "publications/detail.html", context)
