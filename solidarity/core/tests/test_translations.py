"""The Belarusian and Russian catalogues: complete, compiled, and right in their plural forms.

These read the committed .po/.mo files directly (no gettext tools needed), so a string added to
the code without a translation, a stale .mo or a broken plural rule fails here and not in front
of a reader.
"""

import io
import re
import tokenize
from ast import literal_eval
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings
from django.utils import translation
from django_countries import countries

from solidarity.cases.counter import Span, format_span
from solidarity.core.country_names import COUNTRY_NAMES

LANGUAGES = ["be", "ru"]
SOURCE_ROOT = Path(settings.BASE_DIR) / "solidarity"
LOCALE_ROOT = Path(settings.LOCALE_PATHS[0])
DJANGO_LOCALE_ROOT = Path(django.__file__).parent / "conf" / "locale"

# %(name)s-style placeholders, {braced} ones, and HTML tags must survive translation unchanged.
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0+]*\d*(?:\.\d+)?[sdifeEgGxXrc]|\{[^{}]*\}|</?\w+[^>]*>")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_ROOT / language / "LC_MESSAGES" / "django.po"))


def compiled(language: str) -> polib.MOFile:
    return polib.mofile(str(LOCALE_ROOT / language / "LC_MESSAGES" / "django.mo"))


def nplurals(po) -> int:
    return int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"]).group(1))


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def live_entries(po) -> list[polib.POEntry]:
    return [entry for entry in po if not entry.obsolete]


def translations_by_key(entries) -> dict:
    """(context, msgid, msgid_plural) -> the translation(s), as a .po and a .mo both give them."""
    result = {}
    for entry in entries:
        if not entry.msgid:
            continue  # the header
        key = (entry.msgctxt, entry.msgid, entry.msgid_plural or None)
        if entry.msgid_plural:
            result[key] = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        else:
            result[key] = entry.msgstr
    return result


# --- (a) every entry translated, unflagged, with its placeholders ----------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_rule_is_djangos_own(language):
    """Django merges catalogues; a plural rule that differs from its own breaks ngettext."""
    djangos = polib.pofile(str(DJANGO_LOCALE_ROOT / language / "LC_MESSAGES" / "django.po"))
    ours = catalogue(language)
    assert ours.metadata["Plural-Forms"] == djangos.metadata["Plural-Forms"]
    assert nplurals(ours) == 4
    assert ours.metadata["Language"] == language
    assert not ours.metadata_is_fuzzy


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_not_fuzzy(language):
    po = catalogue(language)
    forms = nplurals(po)
    problems = []
    for entry in live_entries(po):
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        if entry.msgid_plural:
            texts = [entry.msgstr_plural.get(i, "") for i in range(forms)]
            if len(entry.msgstr_plural) != forms or not all(text.strip() for text in texts):
                problems.append(f"plural forms missing: {entry.msgid!r}")
        elif not entry.msgstr.strip():
            problems.append(f"untranslated: {entry.msgid!r}")
    assert len(live_entries(po)) > 100
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language):
    problems = []
    for entry in live_entries(catalogue(language)):
        if entry.msgid_plural:
            expected = placeholders(entry.msgid_plural)
            texts = list(entry.msgstr_plural.values())
        else:
            expected = placeholders(entry.msgid)
            texts = [entry.msgstr]
        problems += [(entry.msgid, text) for text in texts if placeholders(text) != expected]
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_are_not_english_copies(language):
    """A copied msgid is a forgotten translation, unless it reads the same in both languages."""
    same_everywhere = {", ", "HTML; anything but simple formatting is removed."}
    copies = [
        entry.msgid
        for entry in live_entries(catalogue(language))
        if entry.msgstr == entry.msgid and entry.msgid not in same_everywhere
    ]
    assert copies == []


# --- every string marked in the code has its entry ---------------------------------------

# name -> positions of (context, singular, plural), as makemessages reads them.
GETTEXT_CALLS = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}


def marked_strings(code: str):
    """(context, msgid, msgid_plural) of each gettext call whose arguments are literals."""
    tokens = [
        token
        for token in tokenize.generate_tokens(io.StringIO(code).readline)
        if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT)
    ]
    for index, token in enumerate(tokens[:-1]):
        if token.type != tokenize.NAME or token.string not in GETTEXT_CALLS:
            continue
        if tokens[index + 1].string != "(":
            continue
        arguments = literal_arguments(tokens[index + 2 :])
        context, singular, plural = GETTEXT_CALLS[token.string]
        needed = max(position for position in (context, singular, plural) if position is not None)
        if len(arguments) <= needed or not all(
            isinstance(arguments[i], str) for i in range(needed + 1)
        ):
            continue
        yield (
            arguments[context] if context is not None else None,
            arguments[singular],
            arguments[plural] if plural is not None else None,
        )


def literal_arguments(tokens) -> list:
    """The call's leading arguments; adjacent string literals join, as Python joins them."""
    arguments, current = [], None
    for token in tokens:
        if token.type == tokenize.STRING and not re.match(r"^[rRuUbB]*[fF]", token.string):
            current = (current or "") + literal_eval(token.string)
        elif token.string == "," and current is not None:
            arguments.append(current)
            current = None
        else:
            break
    if current is not None:
        arguments.append(current)
    return arguments


def source_strings(root: Path = SOURCE_ROOT) -> set:
    from django.utils.translation.template import templatize

    found = set()
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
            continue
        if path.suffix == ".py":
            found.update(marked_strings(path.read_text(encoding="utf-8")))
        elif path.suffix in {".html", ".txt"}:
            code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
            found.update(marked_strings(code))
    return found


def test_source_scan_finds_the_known_strings():
    """The scanner itself works: it finds Python, template and plural strings."""
    found = source_strings()
    assert (None, "%(count)d year", "%(count)d years") in found
    assert (None, "Skip to main content", None) in found
    assert (None, "Belarus", None) in found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_in_the_code_has_a_translation(language):
    """Fails when a string is marked in the code but the catalogues were not refreshed."""
    translated = {
        (entry.msgctxt, entry.msgid, entry.msgid_plural or None)
        for entry in live_entries(catalogue(language))
        if "fuzzy" not in entry.flags
    }
    missing = sorted(source_strings() - translated, key=lambda key: key[1])
    assert missing == []


def test_history_admin_strings_are_spelled_as_simple_history_spells_them():
    import simple_history

    from solidarity.core import history_admin_strings

    ours = set(marked_strings(Path(history_admin_strings.__file__).read_text(encoding="utf-8")))
    theirs = source_strings(Path(simple_history.__file__).parent)
    assert len(ours) > 20
    assert ours - theirs == set()


# --- (b) the committed .mo files are the compiled .po files --------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_source(language):
    po, mo = catalogue(language), compiled(language)
    from_po = translations_by_key(entry for entry in live_entries(po) if "fuzzy" not in entry.flags)
    assert translations_by_key(mo) == from_po
    assert mo.metadata["Plural-Forms"] == po.metadata["Plural-Forms"]


# --- (c) the counter's plural forms, through Django's own translation machinery --------------

COUNTER_CASES = {
    "ru": [
        (Span(1, 2, 5), "1 год, 2 месяца, 5 дней"),
        (Span(2, 3, 11), "2 года, 3 месяца, 11 дней"),
        (Span(5, 1, 21), "5 лет, 1 месяц, 21 день"),
        (Span(11, 5, 22), "11 лет, 5 месяцев, 22 дня"),
        (Span(21, 11, 1), "21 год, 11 месяцев, 1 день"),
        (Span(22, 0, 2), "22 года, 0 месяцев, 2 дня"),
        (Span(14, 4, 0), "14 лет, 4 месяца, 0 дней"),
    ],
    "be": [
        (Span(1, 2, 5), "1 год, 2 месяцы, 5 дзён"),
        (Span(2, 3, 11), "2 гады, 3 месяцы, 11 дзён"),
        (Span(5, 1, 21), "5 гадоў, 1 месяц, 21 дзень"),
        (Span(11, 5, 22), "11 гадоў, 5 месяцаў, 22 дні"),
        (Span(21, 11, 1), "21 год, 11 месяцаў, 1 дзень"),
        (Span(22, 0, 2), "22 гады, 0 месяцаў, 2 дні"),
        (Span(14, 4, 0), "14 гадоў, 4 месяцы, 0 дзён"),
    ],
    "en": [
        (Span(1, 1, 1), "1 year, 1 month, 1 day"),
        (Span(2, 3, 11), "2 years, 3 months, 11 days"),
        (Span(21, 0, 0), "21 years, 0 months, 0 days"),
    ],
}


@pytest.mark.parametrize(
    ("language", "span", "expected"),
    [(language, span, text) for language, cases in COUNTER_CASES.items() for span, text in cases],
)
def test_counter_reads_in_each_language(language, span, expected):
    with translation.override(language):
        assert format_span(span) == expected


# --- country and language names -------------------------------------------------------------


def test_country_names_are_spelled_as_django_countries_spells_them():
    """Otherwise the msgid never matches the name it should translate."""
    with translation.override("en"):
        misspelled = {
            code: name for code, name in COUNTRY_NAMES.items() if countries.name(code) != name
        }
    assert misspelled == {}


@pytest.mark.parametrize(
    ("language", "code", "expected"),
    [
        ("be", "BY", "Беларусь"),
        ("be", "LT", "Літва"),
        ("be", "PL", "Польшча"),
        ("be", "RU", "Расія"),
        ("be", "UA", "Украіна"),
        ("be", "GE", "Грузія"),
        ("ru", "BY", "Беларусь"),
        ("ru", "LT", "Литва"),
        ("ru", "PL", "Польша"),
        ("ru", "UA", "Украина"),
    ],
)
def test_country_names_read_in_each_language(language, code, expected):
    with translation.override(language):
        assert countries.name(code) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["English", "Belarusian", "Russian"]),
        ("be", ["Англійская", "Беларуская", "Руская"]),
        ("ru", ["Английский", "Белорусский", "Русский"]),
    ],
)
def test_language_names_read_in_each_language(language, expected):
    with translation.override(language):
        assert [str(name) for _code, name in settings.LANGUAGES] == expected


@pytest.mark.django_db
def test_every_country_in_the_demo_data_has_be_and_ru_names():
    """django-countries cannot name these in Belarusian; country_names.py must list them."""
    from solidarity.cases.demo import load_demo
    from solidarity.cases.models import Organisation, Person
    from solidarity.publications.models import Publication

    load_demo()
    used = {
        str(code)
        for model in (Person, Organisation)
        for code in model.objects.values_list("country", flat=True)
    }
    used |= {
        country.code
        for publication in Publication.objects.all()
        for country in publication.countries
    }
    used.discard("")
    assert "BY" in used
    assert used - set(COUNTRY_NAMES) == set()
