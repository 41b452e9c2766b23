"""Plain functions that build case records for tests; each returns the saved record.

Keyword arguments override the defaults, so a test names only what it is about.
`make_full_case()` builds a whole case (the demo's shape) in one call.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from solidarity.cases.models import (
    CaseUpdate,
    Charge,
    Decision,
    DetentionEpisode,
    DetentionPlace,
    Membership,
    Organisation,
    Person,
    Proceeding,
    Sentence,
)
from solidarity.core.confidentiality import Confidentiality

_numbers = itertools.count(1)


def make_person(**fields) -> Person:
    number = next(_numbers)
    values = {
        "slug": f"person-{number}",
        "name_en": f"Person {number}",
        "country": "BY",
        "time_zone": "Europe/Minsk",
    } | fields
    return Person.objects.create(**values)


def restricted(**fields) -> dict:
    """`make_x(**restricted(...))`: the whole record shown to organisers only."""
    return {"confidentiality": Confidentiality.RESTRICTED} | fields


def make_organisation(**fields) -> Organisation:
    number = next(_numbers)
    values = {"slug": f"organisation-{number}", "name_en": f"Organisation {number}"} | fields
    return Organisation.objects.create(**values)


def make_membership(person: Person, organisation: Organisation, **fields) -> Membership:
    return Membership.objects.create(person=person, organisation=organisation, **fields)


def make_episode(person: Person, arrest_date: date, release_date=None, **fields):
    if release_date and "release_mode" not in fields:
        fields["release_mode"] = "amnesty"
    return DetentionEpisode.objects.create(
        person=person, arrest_date=arrest_date, release_date=release_date, **fields
    )


def make_charge(episode: DetentionEpisode, **fields) -> Charge:
    values = {"code": "Criminal Code of the Republic of Belarus", "article": "243"} | fields
    return Charge.objects.create(episode=episode, **values)


def make_proceeding(episode: DetentionEpisode, **fields) -> Proceeding:
    values = {
        "court": "Pervomaisky District Court of Minsk",
        "date": episode.arrest_date + timedelta(days=100),
        "stage": "first_instance",
    } | fields
    return Proceeding.objects.create(episode=episode, **values)


def make_sentence(episode: DetentionEpisode, **fields) -> Sentence:
    values = {"date": episode.arrest_date + timedelta(days=110), "term": "P4Y6M"} | fields
    return Sentence.objects.create(episode=episode, **values)


def make_place(episode: DetentionEpisode, **fields) -> DetentionPlace:
    values = {"name": "Penal colony No. 2, Babruisk", "start_date": episode.arrest_date} | fields
    return DetentionPlace.objects.create(episode=episode, **values)


def make_decision(person: Person, **fields) -> Decision:
    values = {
        "kind": "decision",
        "body_type": "un_wgad",
        "body_en": "UN Working Group on Arbitrary Detention",
        "reference": "Opinion No. 39/2012",
        "document_symbol": "A/HRC/WGAD/2012/39",
        "adopted_on": date(2012, 8, 29),
        "finding": "arbitrary",
    } | fields
    return Decision.objects.create(person=person, **values)


def make_update(person: Person, **fields) -> CaseUpdate:
    values = {"date": date(2013, 1, 10), "kind": "health", "title_en": "Health worsens"} | fields
    return CaseUpdate.objects.create(person=person, **values)


def make_full_case(**person_fields) -> Person:
    """A released-then-re-arrested defender with every kind of record on the timeline."""
    person = make_person(
        **{
            "slug": "ales-bialiatski",
            "name_en": "Ales Bialiatski",
            "name_be": "Алесь Бяляцкі",
            "name_ru": "Алесь Беляцкий",
            "biography_en": "Founder of the Human Rights Centre Viasna.",
            "birth_date": date(1962, 9, 25),
        }
        | person_fields
    )
    viasna = make_organisation(slug="viasna", name_en="Human Rights Centre “Viasna”")
    make_membership(person, viasna, role_en="Chair", start_date=date(1996, 4, 26))
    first = make_episode(person, date(2011, 8, 4), date(2014, 6, 21), release_mode="amnesty")
    make_charge(first, part="2", label_en="tax evasion")
    make_proceeding(first, date=date(2011, 11, 24), outcome_en="Found guilty")
    make_proceeding(first, date=date(2012, 1, 24), stage="appeal", outcome_en="Appeal rejected")
    make_sentence(first, date=date(2011, 11, 24), term="P4Y6M", confiscation=True)
    make_place(first, postal_address="Penal colony No. 2\n213800 Babruisk")
    make_decision(person)
    make_update(person)
    make_episode(person, date(2021, 7, 14))
    return person


def make_publication(**fields):
    from solidarity.publications.models import Publication

    number = next(_numbers)
    values = {
        "kind": "news",
        "language": "en",
        "slug": f"publication-{number}",
        "title": f"Publication {number}",
        "status": "published",
        "published_at": timezone.now() - timedelta(days=1),
    } | fields
    return Publication.objects.create(**values)


def at_noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
