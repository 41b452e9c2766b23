"""The per-language Atom feed of publications: valid Atom, only what is published."""

import feedparser
import pytest

from solidarity.core.tests.atom import atom_problems
from solidarity.core.tests.casefile import leaked, make_casefile


@pytest.fixture
def casefile(db):
    return make_casefile()


def fetch(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return response.content


@pytest.mark.parametrize("language", ["en", "be", "ru"])
def test_feed_is_valid_atom_in_every_language(client, casefile, language):
    xml = fetch(client, f"/{language}/publications/feed/")
    assert atom_problems(xml) == []
    parsed = feedparser.parse(xml)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.feed.language == language
    assert parsed.feed.author == "Solidarity"
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links["self"] == f"http://testserver/{language}/publications/feed/"
    assert links["alternate"] == f"http://testserver/{language}/publications/"


def test_feed_holds_the_published_publications_of_its_language_only(client, casefile):
    english = feedparser.parse(fetch(client, "/en/publications/feed/"))
    assert [entry.title for entry in english.entries] == ["Free Ales Bialiatski"]
    (entry,) = english.entries
    assert entry.link == "http://testserver/en/publications/free-ales/"
    assert entry.id == entry.link
    assert entry.summary == "Ten years on, we call for his release."
    assert "<strong>freed</strong>" in entry.content[0].value
    assert {tag.term for tag in entry.tags} == {"Statement", "Belarus"}
    belarusian = feedparser.parse(fetch(client, "/be/publications/feed/"))
    assert [entry.title for entry in belarusian.entries] == ["Волю Алесю Бяляцкаму"]
    assert feedparser.parse(fetch(client, "/ru/publications/feed/")).entries == []


def test_drafts_embargoed_stories_and_restricted_cases_stay_out(client, casefile):
    for language in ["en", "be", "ru"]:
        xml = fetch(client, f"/{language}/publications/feed/").decode()
        assert leaked(xml, casefile) == []


@pytest.mark.django_db(transaction=True)  # the cache moves on when the write commits
def test_a_new_publication_appears_at_once(client, casefile):
    """The feed is cached for anonymous readers, but any write invalidates the cache."""
    assert len(feedparser.parse(fetch(client, "/en/publications/feed/")).entries) == 1
    casefile.draft.status = "published"
    casefile.draft.title = "Now public"
    casefile.draft.save()
    titles = [e.title for e in feedparser.parse(fetch(client, "/en/publications/feed/")).entries]
    assert titles == ["Now public", "Free Ales Bialiatski"]
