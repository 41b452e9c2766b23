"""A structural check of Atom documents against RFC 4287, for the feed tests.

It checks what feed readers depend on: the namespace, the elements a feed and each entry must
have exactly once, RFC 3339 dates, absolute ids and links, and a rel="self" link.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
TEXT_TYPES = {"text", "html", "xhtml"}


def q(name: str) -> str:
    return f"{{{ATOM}}}{name}"


def is_absolute_iri(value: str) -> bool:
    parts = urlparse(value)
    return bool(parts.scheme) and (bool(parts.netloc) or parts.scheme in {"urn", "tag"})


def atom_problems(xml: bytes) -> list[str]:
    """Every RFC 4287 rule the document breaks; empty when it is valid."""
    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError as error:
        return [f"not well-formed XML: {error}"]
    if root.tag != q("feed"):
        return [f"root element is {root.tag}, not atom:feed"]
    problems = _common_problems(root, "feed")
    links = root.findall(q("link"))
    self_links = [link for link in links if link.get("rel") == "self"]
    if len(self_links) != 1 or not is_absolute_iri(self_links[0].get("href", "")):
        problems.append("feed: needs exactly one absolute link rel='self'")
    if not any(link.get("rel", "alternate") == "alternate" for link in links):
        problems.append("feed: needs a link rel='alternate'")
    entries = root.findall(q("entry"))
    if not root.findall(q("author")) and not all(e.findall(q("author")) for e in entries):
        problems.append("feed: needs an author, or one in every entry")
    ids = [e.findtext(q("id")) for e in entries]
    if len(ids) != len(set(ids)):
        problems.append("entries: ids are not unique")
    for number, entry in enumerate(entries, 1):
        problems += _common_problems(entry, f"entry {number}")
        problems += _entry_problems(entry, f"entry {number}")
    return problems


def _common_problems(element, where: str) -> list[str]:
    problems = []
    for name in ("id", "title", "updated"):
        found = element.findall(q(name))
        if len(found) != 1:
            problems.append(f"{where}: needs exactly one atom:{name}, has {len(found)}")
    for name in ("updated", "published"):
        for date in element.findall(q(name)):
            if not RFC3339.match(date.text or ""):
                problems.append(f"{where}: atom:{name} {date.text!r} is not an RFC 3339 date")
    for identifier in element.findall(q("id")):
        if not is_absolute_iri(identifier.text or ""):
            problems.append(f"{where}: atom:id {identifier.text!r} is not an absolute IRI")
    for link in element.findall(q("link")):
        if not is_absolute_iri(link.get("href", "")):
            problems.append(f"{where}: link href {link.get('href')!r} is not absolute")
    for author in element.findall(q("author")):
        if len(author.findall(q("name"))) != 1:
            problems.append(f"{where}: an atom:author needs exactly one atom:name")
    for name in ("title", "subtitle", "summary", "content", "rights"):
        for text in element.findall(q(name)):
            if name != "content" and text.get("type", "text") not in TEXT_TYPES:
                problems.append(f"{where}: atom:{name} has an unknown type")
    return problems


def _entry_problems(entry, where: str) -> list[str]:
    problems = []
    for name in ("published", "summary", "content", "rights"):
        if len(entry.findall(q(name))) > 1:
            problems.append(f"{where}: more than one atom:{name}")
    has_alternate = any(
        link.get("rel", "alternate") == "alternate" for link in entry.findall(q("link"))
    )
    if not entry.findall(q("content")) and not has_alternate:
        problems.append(f"{where}: needs atom:content or a link rel='alternate'")
    return problems
