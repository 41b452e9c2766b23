"""The public case pages: the list with its filters, and one case with its timeline."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from solidarity.cases import selectors
from solidarity.cases.counter import detained_days, format_span
from solidarity.cases.display import status_label
from solidarity.cases.filters import CaseFilters
from solidarity.cases.models import DetentionEpisode, Person
from solidarity.cases.page_keys import case_list_key, case_page_key
from solidarity.cases.timeline import build_timeline
from solidarity.core.confidentiality import redact
from solidarity.core.page_cache import cached_page

CASES_PER_PAGE = 24
RELATED_PUBLICATIONS = 20


@dataclass(frozen=True)
class CaseCard:
    person: Person
    status: str
    status_label: str
    counter_text: str


@cached_page(extra_key=case_list_key)
def case_list(request):
    form = CaseFilters(request.GET, user=request.user)
    context = {"form": form, "detained_today": selectors.detained_today_count(request.user)}
    if not form.is_valid():
        return render(request, "cases/list.html", context, status=400)
    people = selectors.cases(
        request.user,
        country=form.cleaned_data["country"],
        status=form.cleaned_data["status"],
        organisation=form.cleaned_data["organisation"],
        query=form.cleaned_data["q"],
    ).prefetch_related(
        Prefetch("episodes", queryset=DetentionEpisode.objects.visible_to(request.user))
    )
    try:
        page = Paginator(people, CASES_PER_PAGE).page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404(_("There is no such page of cases.")) from error
    cards = [case_card(person, request.user) for person in page]
    context |= {
        "page": page,
        "cards": cards,
        "query_without_page": _query_without_page(request),
        "shows_demo_data": any(card.person.is_demo for card in cards),
    }
    return render(request, "cases/list.html", context)


def case_card(person: Person, user) -> CaseCard:
    redact(person, user)
    counter = selectors.case_counter(person, list(person.episodes.all()))
    span = counter.current if counter.status == selectors.Status.DETAINED else counter.total
    text = format_span(span) if counter.status != selectors.Status.NOT_DETAINED else ""
    return CaseCard(person, counter.status, status_label(counter.status), text)


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@cached_page(extra_key=case_page_key)
def case_detail(request, slug: str):
    try:
        person = selectors.case_detail(request.user, slug)
    except Person.DoesNotExist as error:
        raise Http404(_("There is no public case at this address.")) from error
    episodes = list(person.episodes.all())
    counter = selectors.case_counter(person, episodes)
    context = {
        "person": person,
        "status": counter.status,
        "status_label": status_label(counter.status),
        "counter": _counter_context(counter, episodes),
        "memberships": list(person.memberships.all()),
        "timeline": build_timeline(person),
        "publications": _related_publications(person),
        "shows_demo_data": person.is_demo,
    }
    return render(request, "cases/detail.html", context)


def _counter_context(counter: selectors.CaseCounter, episodes: list[DetentionEpisode]) -> dict:
    """The sentence the page leads with, and the day count a browser test can check."""
    total_days = sum(detained_days(e.arrest_date, e.release_date, counter.today) for e in episodes)
    ongoing = [e for e in episodes if e.is_ongoing]
    # The same episode as selectors.case_counter: the latest one still running.
    current_days = detained_days(ongoing[-1].arrest_date, None, counter.today) if ongoing else 0
    return {
        "current": format_span(counter.current) if counter.current else "",
        "current_days": current_days,
        "total": format_span(counter.total),
        "total_days": total_days,
        "episodes": len(episodes),
    }


def _related_publications(person: Person) -> list:
    # Imported here: publications depend on cases, not the other way round.
    from solidarity.publications.models import Publication

    current_language_first = Case(
        When(language=get_language(), then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return list(
        Publication.objects.published()
        .filter(related_cases=person)
        .annotate(other_language=current_language_first)
        .order_by("other_language", "-published_at")[:RELATED_PUBLICATIONS]
    )
