"""load_demo: idempotent, everything marked as demo, and the facts the counter is built on."""

import io
from datetime import date

import pytest
from django.core.management import call_command

from solidarity.cases import demo, selectors
from solidarity.cases.counter import Span
from solidarity.cases.models import Decision, Person
from solidarity.cases.tests.interchange_data import canonical_dump
from solidarity.publications.models import Publication

pytestmark = pytest.mark.django_db


def _load() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_loading_twice_leaves_the_same_data():
    _load()
    once = canonical_dump()
    publications = list(Publication.objects.values_list("pk", "title", "language"))

    report = _load()

    assert canonical_dump() == once
    assert list(Publication.objects.values_list("pk", "title", "language")) == publications
    assert "4 people, 3 organisations, 4 publications" in report


def test_every_person_organisation_and_publication_is_marked_as_demo():
    _load()

    assert not Person.objects.filter(is_demo=False).exists()
    assert Publication.objects.filter(is_demo=True).count() == 4
    assert Person.objects.filter(name_en__contains="(fictional)").count() == 3


def test_the_counter_adds_up_both_episodes():
    _load()
    ales = Person.objects.get(slug=demo.ALES)
    episodes = list(ales.episodes.all())

    counter = selectors.case_counter(ales, episodes, today=date(2024, 1, 1))

    # 4 Aug 2011 - 21 Jun 2014 is 1,052 days; 14 Jul 2021 - 1 Jan 2024 is 901 days.
    # 1,953 days counted on from 4 Aug 2011 reach 8 Dec 2016: 5 years, 4 months, 4 days.
    assert counter.total == Span(5, 4, 4)
    assert counter.current == Span(2, 5, 18)
    assert counter.status == selectors.Status.DETAINED


def test_the_demo_case_holds_the_given_facts():
    _load()
    ales = Person.objects.get(slug=demo.ALES)
    first, second = ales.episodes.all()

    assert (ales.name_be, ales.name_ru, ales.time_zone) == (
        "Алесь Бяляцкі",
        "Алесь Беляцкий",
        "Europe/Minsk",
    )
    assert (first.release_date, first.release_mode) == (date(2014, 6, 21), "amnesty")
    assert [s.term for s in first.sentences.all()] == ["P4Y6M"]
    assert [(c.article, c.part) for c in first.charges.all()] == [("243", "2")]
    assert second.release_date is None
    assert "notes" in second.restricted_fields
    assert Decision.objects.get(document_symbol="A/HRC/WGAD/2012/39").finding == "arbitrary"


def test_the_statement_exists_in_three_languages_with_a_media_contact():
    _load()

    statement = Publication.objects.filter(translation_group=demo.STATEMENT_GROUP)

    assert sorted(statement.values_list("language", flat=True)) == ["be", "en", "ru"]
    for publication in statement:
        assert publication.media_contacts.get().email == "press@example.org"
        assert list(publication.related_cases.values_list("slug", flat=True)) == [demo.ALES]


def test_restricted_demo_data_stays_off_public_pages(client):
    _load()

    page = client.get(f"/en/cases/{demo.ALES}/").content.decode()

    assert "Ales Bialiatski" in page
    assert "Demonstration of a restricted field" not in page
    assert client.get("/en/cases/demo-person-c/").status_code == 404
