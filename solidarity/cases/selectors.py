"""Reads of the case registry for the public site, feeds, API and exports.

Each takes the viewer, so what is restricted stays out of every channel that uses them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from solidarity.cases import counter
from solidarity.cases.models import (
    CaseUpdate,
    Charge,
    Decision,
    DetentionEpisode,
    DetentionPlace,
    Membership,
    Person,
    Proceeding,
    Sentence,
)
from solidarity.core.confidentiality import redact


class Status:
    DETAINED = "detained"
    RELEASED = "released"
    NOT_DETAINED = "not_detained"  # no detention episode on record


def _visible(model, user) -> QuerySet:
    return model.objects.visible_to(user)


def cases(
    user, *, country: str = "", status: str = "", organisation: str = "", query: str = ""
) -> QuerySet[Person]:
    """People visible to `user`, annotated with `is_detained`, filtered as asked."""
    ongoing = _visible(DetentionEpisode, user).filter(
        person=OuterRef("pk"), release_date__isnull=True
    )
    any_episode = _visible(DetentionEpisode, user).filter(person=OuterRef("pk"))
    people = _visible(Person, user).annotate(
        is_detained=Exists(ongoing), has_episode=Exists(any_episode)
    )
    if country:
        people = people.filter(country=country.upper())
    if status == Status.DETAINED:
        people = people.filter(is_detained=True)
    elif status == Status.RELEASED:
        people = people.filter(is_detained=False, has_episode=True)
    elif status == Status.NOT_DETAINED:
        people = people.filter(has_episode=False)
    if organisation:
        memberships = _visible(Membership, user).filter(
            organisation__slug=organisation, organisation__in=_visible_organisations(user)
        )
        people = people.filter(pk__in=memberships.values("person"))
    if query:
        people = people.filter(_name_matches(query))
    return people


def _visible_organisations(user) -> QuerySet:
    from solidarity.cases.models import Organisation

    return _visible(Organisation, user)


def _name_matches(query: str) -> Q:
    """Names and spellings only: they are never restrictable, so search cannot leak."""
    return (
        Q(name_en__icontains=query)
        | Q(name_be__icontains=query)
        | Q(name_ru__icontains=query)
        | Q(other_names__icontains=query)
    )


def detained_today_count(user) -> int:
    return cases(user, status=Status.DETAINED).count()


def status_of(episodes: list[DetentionEpisode]) -> str:
    if not episodes:
        return Status.NOT_DETAINED
    return Status.DETAINED if any(e.is_ongoing for e in episodes) else Status.RELEASED


@dataclass
class CaseCounter:
    status: str
    current: counter.Span | None
    total: counter.Span
    today: date


def case_counter(
    person: Person, episodes: list[DetentionEpisode], today: date | None = None
) -> CaseCounter:
    today = today or counter.local_today(person.time_zone)
    ongoing = [e for e in episodes if e.is_ongoing]
    current = counter.span_between(ongoing[-1].arrest_date, today) if ongoing else None
    total = counter.total_span([(e.arrest_date, e.release_date) for e in episodes], today)
    return CaseCounter(status_of(episodes), current, total, today)


def case_detail(user, slug: str) -> Person:
    """One person with every related record the viewer may see, restricted fields blanked.

    Raises Person.DoesNotExist when the viewer may not see the case.
    """

    def visible(model):
        return _visible(model, user)

    person = (
        visible(Person)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=visible(Membership)
                .filter(organisation__in=_visible_organisations(user))
                .select_related("organisation"),
            ),
            Prefetch(
                "episodes",
                queryset=visible(DetentionEpisode).prefetch_related(
                    Prefetch("charges", queryset=visible(Charge)),
                    Prefetch("proceedings", queryset=visible(Proceeding)),
                    Prefetch("sentences", queryset=visible(Sentence)),
                    Prefetch("places", queryset=visible(DetentionPlace)),
                ),
            ),
            Prefetch("decisions", queryset=visible(Decision)),
            Prefetch("updates", queryset=visible(CaseUpdate)),
        )
        .get(slug=slug)
    )
    redact_case(person, user)
    return person


def redact_case(person: Person, user) -> Person:
    """Blank restricted fields on the person and every prefetched related record."""
    redact(person, user)
    for membership in person.memberships.all():
        redact(membership, user)
        redact(membership.organisation, user)
    for episode in person.episodes.all():
        redact(episode, user)
        for related in ("charges", "proceedings", "sentences", "places"):
            for record in getattr(episode, related).all():
                redact(record, user)
    for record in [*person.decisions.all(), *person.updates.all()]:
        redact(record, user)
    return person
