"""The per-case Atom feed: publications about the case and its public updates, nothing more."""

import feedparser
import pytest

from solidarity.core.tests.atom import atom_problems
from solidarity.core.tests.casefile import leaked, make_casefile

FEED = "/{language}/cases/ales-bialiatski/feed/"


@pytest.fixture
def casefile(db):
    return make_casefile()


def fetch(client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return response.content


@pytest.mark.parametrize("language", ["en", "be", "ru"])
def test_case_feed_is_valid_atom(client, casefile, language):
    xml = fetch(client, FEED.format(language=language))
    assert atom_problems(xml) == []
    parsed = feedparser.parse(xml)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links["self"] == f"http://testserver/{language}/cases/ales-bialiatski/feed/"
    assert links["alternate"] == f"http://testserver/{language}/cases/ales-bialiatski/"


def test_case_feed_mixes_publications_and_public_updates(client, casefile):
    parsed = feedparser.parse(fetch(client, FEED.format(language="en")))
    assert parsed.feed.title == "Ales Bialiatski: publications and updates"
    assert [entry.title for entry in parsed.entries] == [
        "Free Ales Bialiatski",
        "Health concern reported",
    ]
    update = parsed.entries[1]
    assert update.link.startswith("http://testserver/en/cases/ales-bialiatski/#update-")
    assert update.updated == "2023-01-10T00:00:00+00:00"
    assert [tag.term for tag in update.tags] == ["Health concern"]


def test_case_feed_speaks_the_language_of_its_address(client, casefile):
    parsed = feedparser.parse(fetch(client, FEED.format(language="be")))
    assert parsed.feed.title.startswith("Алесь Бяляцкі")
    assert [entry.title for entry in parsed.entries] == [
        "Волю Алесю Бяляцкаму",
        "Паведамленне пра здароўе",
    ]


def test_restricted_records_and_fields_stay_out(client, casefile):
    for language in ["en", "be", "ru"]:
        xml = fetch(client, FEED.format(language=language)).decode()
        assert leaked(xml, casefile) == []
    english = feedparser.parse(fetch(client, FEED.format(language="en")))
    # The update whose text is restricted has no summary at all, not an empty one.
    assert "summary" not in english.entries[1]


def test_organisers_get_the_public_feed_too(organiser_client, casefile):
    xml = fetch(organiser_client, FEED.format(language="en")).decode()
    assert leaked(xml, casefile) == []


@pytest.mark.parametrize("slug", ["secret-person", "nobody"])
def test_restricted_and_unknown_cases_have_no_feed(client, casefile, slug):
    assert client.get(f"/en/cases/{slug}/feed/").status_code == 404
