"""What each network will accept, measured the way the network measures it."""

import pytest

from solidarity.campaigns.networks.bluesky import text as bluesky
from solidarity.campaigns.networks.mastodon import text as mastodon

FREE_ALES = (
    "#Belarus: today Ales Bialiatski has been in jail for 2 years for defending "
    "#humanrights #FreeAles"
)


def test_mastodon_counts_every_link_as_23_characters():
    text = "Read more: https://example.org/" + "a" * 200
    assert mastodon.countable_length(text) == len("Read more: ") + 23


def test_mastodon_counts_a_mention_without_its_domain():
    assert mastodon.countable_length("@ales@viasna.example hi") == len("@ales hi")


def test_mastodon_counts_graphemes_not_code_points():
    family = "👩‍👩‍👧‍👦"  # seven code points, one grapheme
    assert mastodon.countable_length(family * 500) == 500
    assert mastodon.problems(family * 500) == []
    assert mastodon.problems(family * 501)


def test_mastodon_honours_the_servers_own_limit():
    assert mastodon.problems("x" * 600, max_characters=1000) == []
    assert mastodon.problems("x" * 600) != []


def test_bluesky_limits_graphemes_and_bytes():
    assert bluesky.problems("я" * 300) == []
    assert bluesky.problems("я" * 301) != []
    # 300 graphemes of 25 bytes each: fine on graphemes, over on bytes.
    heavy = "👩‍👩‍👧‍👦" * 300
    assert len(heavy.encode()) > 3000
    assert any("bytes" in problem for problem in bluesky.problems(heavy))


def test_bluesky_facets_use_utf8_byte_offsets():
    text = "Свабоду Алесю! #FreeAles https://viasna.example/ales."
    facets = bluesky.facets(text)
    encoded = text.encode()
    spans = [encoded[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode() for f in facets]
    assert spans == ["#FreeAles", "https://viasna.example/ales"]
    assert facets[0]["features"][0] == {"$type": "app.bsky.richtext.facet#tag", "tag": "FreeAles"}
    assert facets[1]["features"][0]["uri"] == "https://viasna.example/ales"


def test_bluesky_facets_for_the_solidarity_day_message():
    tags = [f["features"][0]["tag"] for f in bluesky.facets(FREE_ALES)]
    assert tags == ["Belarus", "humanrights", "FreeAles"]


@pytest.mark.parametrize("text", ["#2024", "word#notatag", "# alone", "&#39;"])
def test_what_is_not_a_hashtag(text):
    assert bluesky.facets(text) == []


def test_the_worst_case_personal_line_is_measured_in_bytes_too():
    """A text heavy in bytes (a family emoji is one grapheme of 25 bytes) leaves room for
    150 plain letters, not for 150 four-byte characters a supporter may type instead."""
    from solidarity.campaigns.compose import check_worst_case
    from solidarity.campaigns.models import Campaign

    text = "👨‍👩‍👧‍👦" * 100  # 100 graphemes, 2,500 bytes
    problems = check_worst_case(Campaign(personal_line_max=150, link=""), text)
    bluesky_problems = [p for c in problems if c.network == "bluesky" for p in c.problems]
    assert bluesky_problems == ["Bluesky: 3102 of 3000 bytes."]
