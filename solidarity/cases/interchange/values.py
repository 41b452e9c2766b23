"""Field values in the interchange formats, and back.

Export turns a model value into its *canonical* form, which is what the JSON format holds
(dates as "YYYY-MM-DD", decimals as strings, lists for one-item-per-line text, a language map
for translated fields). CSV cells are a flat spelling of the same canonical values.
Import goes the other way and says precisely what is wrong with a value it cannot take.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import models

from solidarity.cases.interchange.schema import Kind, languages

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SEPARATOR = "|"
ESCAPE = "\\"


class BadValue(ValueError):
    """A value that cannot be taken; the message says why, for a person to read."""


# Model -> canonical ----------------------------------------------------------------------


def read_field(instance: models.Model, name: str, kind: str):
    if kind == Kind.TRANSLATED:
        return {code: getattr(instance, f"{name}_{code}") for code in languages()}
    value = getattr(instance, name)
    if kind == Kind.DATE:
        return value.isoformat() if value else None
    if kind == Kind.DECIMAL:
        return None if value is None else str(value)
    if kind == Kind.LINES:
        return value.split("\n") if value else []
    if kind == Kind.LIST:
        return list(value or [])
    if kind == Kind.MAPPING:
        return dict(value or {})
    if kind == Kind.FILE:
        return value.name if value else ""
    if kind == Kind.REFERENCE:
        return value.slug
    return getattr(value, "code", value)  # a CountryField gives a Country object


# Canonical -> model ----------------------------------------------------------------------


def missing_value(model: type[models.Model], name: str, kind: str):
    """What an absent key or column means: the field's empty or default value."""
    if kind == Kind.TRANSLATED:
        return dict.fromkeys(languages())
    if kind in (Kind.DATE, Kind.DECIMAL):
        return None
    if kind in (Kind.LINES, Kind.LIST):
        return []
    if kind == Kind.MAPPING:
        return {}
    if kind == Kind.FILE:
        return ""
    return model._meta.get_field(name).get_default()


def write_field(instance: models.Model, name: str, kind: str, value) -> None:
    """Set a canonical value on `instance`, converted to the field's Python type."""
    if kind == Kind.TRANSLATED:
        if not isinstance(value, dict):
            raise BadValue(f"expected an object of languages such as {{'en': '…'}}, got {value!r}")
        unknown = sorted(set(value) - set(languages()))
        if unknown:
            raise BadValue(
                f"unknown language(s) {', '.join(unknown)}; use {', '.join(languages())}"
            )
        for code in languages():
            text = value.get(code)
            if text is not None and not isinstance(text, str):
                raise BadValue(f"the {code} text must be a string or null, got {text!r}")
            setattr(instance, f"{name}_{code}", text)
        return
    setattr(instance, name, _python_value(kind, value))


def _python_value(kind: str, value):
    if kind == Kind.DATE:
        return parse_date(value)
    if kind == Kind.DECIMAL:
        return parse_decimal(value)
    if kind == Kind.BOOL:
        if not isinstance(value, bool):
            raise BadValue(f"expected true or false, got {value!r}")
        return value
    if kind in (Kind.LINES, Kind.LIST):
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise BadValue(f"expected a list of strings, got {value!r}")
        return "\n".join(value) if kind == Kind.LINES else list(value)
    if kind == Kind.MAPPING:
        if not isinstance(value, dict):
            raise BadValue(f"expected an object of names to identifiers, got {value!r}")
        return dict(value)
    if not isinstance(value, str):
        raise BadValue(f"expected a string, got {value!r}")
    return value


def parse_date(value) -> date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not ISO_DATE.match(value):
        raise BadValue(f"“{value}” is not a date; write it as YYYY-MM-DD, e.g. 2011-08-04")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadValue(f"“{value}” is not a real calendar date") from None


def parse_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str | int):
        raise BadValue(f"expected a number written as a string such as “1500.00”, got {value!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise BadValue(f"“{value}” is not a number such as 1500.00") from None
    if not number.is_finite():
        raise BadValue(f"“{value}” is not a finite number")
    return number


# Canonical <-> CSV cells -----------------------------------------------------------------


def to_cells(name: str, kind: str, value) -> dict[str, str]:
    if kind == Kind.TRANSLATED:
        return {f"{name}__{code}": value.get(code) or "" for code in languages()}
    if kind in (Kind.LINES, Kind.LIST):
        return {name: join_multi(value)}
    if kind == Kind.MAPPING:
        return {name: join_multi([f"{_escape_key(key)}={item}" for key, item in value.items()])}
    if kind == Kind.BOOL:
        return {name: "true" if value else "false"}
    return {name: "" if value is None else str(value)}


def from_cells(row: dict[str, str], model, name: str, kind: str):
    """The canonical value of a field from a CSV row; absent columns mean "empty"."""
    if kind == Kind.TRANSLATED:
        return {code: row.get(f"{name}__{code}") or None for code in languages()}
    cell = row.get(name, "")
    if kind in (Kind.LINES, Kind.LIST):
        return split_multi(cell)
    if kind == Kind.MAPPING:
        return _parse_mapping(cell)
    if kind == Kind.BOOL:
        return _parse_bool(cell, model._meta.get_field(name).get_default())
    if kind == Kind.TEXT and cell == "":
        return missing_value(model, name, kind)
    return cell


def _parse_bool(cell: str, default: bool) -> bool:
    lowered = cell.strip().lower()
    if lowered == "":
        return default
    if lowered in {"true", "yes", "1"}:
        return True
    if lowered in {"false", "no", "0"}:
        return False
    raise BadValue(f"“{cell}” is not true or false")


def _parse_mapping(cell: str) -> dict[str, str]:
    mapping = {}
    for item in split_multi(cell):
        key, value = _split_key(item)
        if key is None or not key:
            raise BadValue(f"“{item}” is not written as name=identifier, e.g. wikidata=Q42")
        mapping[key] = value
    return mapping


def _escape_key(key: str) -> str:
    """In a key, "=" and "\\" are escaped with a backslash; the first bare "=" ends it."""
    return key.replace(ESCAPE, ESCAPE * 2).replace("=", ESCAPE + "=")


def _split_key(item: str) -> tuple[str | None, str]:
    key, chars = [], iter(enumerate(item))
    for index, char in chars:
        if char == ESCAPE:
            key.append(next(chars, (index, ESCAPE))[1])
        elif char == "=":
            return "".join(key), item[index + 1 :]
        else:
            key.append(char)
    return None, ""


def join_multi(items: list[str]) -> str:
    """Join with "|"; a "|" or "\\" inside an item is escaped with a backslash."""
    escaped = [
        item.replace(ESCAPE, ESCAPE * 2).replace(SEPARATOR, ESCAPE + SEPARATOR) for item in items
    ]
    return SEPARATOR.join(escaped)


def split_multi(cell: str) -> list[str]:
    if cell == "":
        return []
    items, current, chars = [], [], iter(cell)
    for char in chars:
        if char == ESCAPE:
            current.append(next(chars, ESCAPE))
        elif char == SEPARATOR:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return items
