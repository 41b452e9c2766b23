"""Cached public pages never outlive the data they show, nor the local day of a counter."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from solidarity.cases.tests.factories import make_episode, make_person

# Real commits: the cache moves on when a write is committed.
pytestmark = pytest.mark.django_db(transaction=True)

# 20:59 and 21:01 UTC on 10 Jan 2024 straddle midnight in Minsk (UTC+3), not in UTC.
BEFORE_MINSK_MIDNIGHT = datetime(2024, 1, 10, 20, 59, tzinfo=UTC)
AFTER_MINSK_MIDNIGHT = datetime(2024, 1, 10, 21, 1, tzinfo=UTC)


def test_editing_a_name_shows_at_once_on_cached_pages(client):
    person = make_person(slug="edited", name_en="Old Name")
    assert "Old Name" in client.get("/en/cases/edited/").content.decode()
    assert "Old Name" in client.get("/en/cases/").content.decode()

    person.name_en = "New Name"
    person.save()

    for url in ("/en/cases/edited/", "/en/cases/"):
        html = client.get(url).content.decode()
        assert "New Name" in html
        assert "Old Name" not in html


@pytest.mark.django_db  # counts queries; needs no commit
def test_cached_page_is_really_served_from_the_cache(client, django_assert_num_queries):
    make_person(slug="cached")
    client.get("/en/cases/cached/")
    with django_assert_num_queries(0):
        client.get("/en/cases/cached/")


@pytest.mark.parametrize("url", ["/en/cases/minsk/", "/en/cases/"])
def test_counter_turns_over_at_midnight_in_the_persons_time_zone(client, url):
    person = make_person(slug="minsk", time_zone="Europe/Minsk")
    make_episode(person, date(2024, 1, 1))
    with time_machine.travel(BEFORE_MINSK_MIDNIGHT, tick=False):
        assert "0 years, 0 months, 9 days" in client.get(url).content.decode()
    with time_machine.travel(AFTER_MINSK_MIDNIGHT, tick=False):
        assert "0 years, 0 months, 10 days" in client.get(url).content.decode()


def test_restricting_a_field_removes_it_from_the_cached_page(client):
    person = make_person(slug="bio", biography_en="Visible until restricted")
    assert "Visible until restricted" in client.get("/en/cases/bio/").content.decode()
    person.restricted_fields = ["biography"]
    person.save()
    assert "Visible until restricted" not in client.get("/en/cases/bio/").content.decode()
