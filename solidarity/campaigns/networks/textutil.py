"""Text measures shared by the network adapters: graphemes, links, hashtags."""

import regex

LINK = regex.compile(r"https?://[^\s<>\"]+")
# Punctuation that ends a sentence is not part of the link or tag before it.
TRAILING_PUNCTUATION = regex.compile(r"[\p{P}--[/#=&_~-]]+$", regex.V1)
HASHTAG = regex.compile(r"(?<![\w#＃&])[#＃]([^\s#＃]+)")
MENTION = regex.compile(r"(?<![\w/@])@\w")


def graphemes(text: str) -> int:
    return len(regex.findall(r"\X", text))


def links(text: str) -> list[tuple[int, int, str]]:
    """(start, end, url) in characters, with trailing punctuation left out."""
    found = []
    for match in LINK.finditer(text):
        url = TRAILING_PUNCTUATION.sub("", match.group())
        found.append((match.start(), match.start() + len(url), url))
    return found


def hashtags(text: str) -> list[tuple[int, int, str]]:
    """(start, end, tag) in characters; the tag without its '#'. A tag needs a non-digit."""
    found = []
    for match in HASHTAG.finditer(text):
        tag = TRAILING_PUNCTUATION.sub("", match.group(1))
        if tag and not tag.isdigit() and graphemes(tag) <= 64:
            found.append((match.start(), match.start() + 1 + len(tag), tag))
    return found


def byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))
