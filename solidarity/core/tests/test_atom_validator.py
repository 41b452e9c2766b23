"""The Atom checker used by the feed tests does catch broken feeds."""

from solidarity.core.tests.atom import atom_problems

VALID = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>T</title><id>http://example.org/</id><updated>2024-01-01T00:00:00Z</updated>
  <link href="http://example.org/" rel="alternate"/>
  <link href="http://example.org/feed/" rel="self"/>
  <author><name>A</name></author>
  <entry><title>E</title><id>http://example.org/1</id><updated>2024-01-01T00:00:00+03:00</updated>
    <link href="http://example.org/1" rel="alternate"/></entry>
</feed>"""


def test_a_valid_feed_has_no_problems():
    assert atom_problems(VALID) == []


def test_broken_feeds_are_caught():
    cases = {
        b"<feed/>": "not atom:feed",
        VALID.replace(b'<link href="http://example.org/feed/" rel="self"/>', b""): "rel='self'",
        VALID.replace(b"<author><name>A</name></author>", b""): "needs an author",
        VALID.replace(b"2024-01-01T00:00:00+03:00", b"1 Jan 2024"): "RFC 3339",
        VALID.replace(b"<title>E</title>", b""): "exactly one atom:title",
        VALID.replace(b"<id>http://example.org/1</id>", b"<id>/1</id>"): "absolute IRI",
        VALID.replace(
            b"</entry>", b"</entry>" + VALID[VALID.index(b"<entry>") :].split(b"</feed>")[0]
        ): "not unique",
        b"<feed": "well-formed",
    }
    for document, expected in cases.items():
        assert any(expected in problem for problem in atom_problems(document)), expected
