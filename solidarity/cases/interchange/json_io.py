"""The JSON format: one document, a nested object per person (see docs/data-format.md)."""

from __future__ import annotations

import json
from typing import Any

from solidarity.cases.interchange import schema
from solidarity.cases.interchange.problems import JsonWhere, Problem
from solidarity.cases.interchange.records import Incoming, Record

TOP_LEVEL_KEYS = {"format", "version", "public_only", "organisations", "cases"}


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def loads(text: str) -> Incoming:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        incoming = Incoming(organisations=None, cases=[])
        incoming.problems.append(
            Problem(f"line {error.lineno} column {error.colno}", f"not valid JSON: {error.msg}")
        )
        return incoming
    return load_document(document)


def load_document(document: Any) -> Incoming:
    """Records from an already parsed document (demo data is written as Python dicts)."""
    incoming = Incoming(organisations=None, cases=[])
    if not isinstance(document, dict):
        incoming.problems.append(Problem("/", "the document must be a JSON object"))
        return incoming
    _check_header(document, incoming.problems)
    if "organisations" in document:
        incoming.organisations = _records(
            document["organisations"], "/organisations", schema.ORGANISATIONS, incoming.problems
        )
    incoming.cases = _records(document.get("cases"), "/cases", schema.PEOPLE, incoming.problems)
    return incoming


def _check_header(document: dict, problems: list[Problem]) -> None:
    if document.get("format") != schema.FORMAT_NAME:
        problems.append(Problem("/format", f'must be "{schema.FORMAT_NAME}"'))
    if document.get("version") != schema.FORMAT_VERSION:
        problems.append(
            Problem(
                "/version",
                f"this platform reads version {schema.FORMAT_VERSION}, "
                f"not {document.get('version')!r}",
            )
        )
    for key in sorted(set(document) - TOP_LEVEL_KEYS):
        problems.append(Problem(f"/{key}", "unknown key"))
    if "cases" not in document:
        problems.append(Problem("/cases", "missing: the list of cases"))


PARTS = {
    schema.PEOPLE.key: schema.PERSON_PARTS,
    schema.EPISODES.key: schema.EPISODE_PARTS,
}


def _records(items, pointer: str, record_type, problems: list[Problem]) -> list[Record]:
    if items is None:
        return []
    if not isinstance(items, list):
        problems.append(Problem(pointer, "must be a list"))
        return []
    records = []
    for index, item in enumerate(items):
        where = JsonWhere(f"{pointer}/{index}")
        if not isinstance(item, dict):
            problems.append(Problem(str(where), "must be an object"))
            continue
        records.append(_record(item, where, record_type, problems))
    return records


def _record(item: dict, where: JsonWhere, record_type, problems: list[Problem]) -> Record:
    part_types = PARTS.get(record_type.key, ())
    part_keys = {part.key for part in part_types}
    for key in sorted(set(item) - set(record_type.fields) - part_keys):
        problems.append(Problem(where.field(key), "unknown key"))
    record = Record(where, {name: item[name] for name in record_type.fields if name in item})
    for part in part_types:
        if part.key in item:
            record.parts[part.key] = _records(item[part.key], where.field(part.key), part, problems)
        elif record_type is schema.EPISODES:
            # An episode is recreated whole, so a missing list simply means none.
            record.parts[part.key] = []
    return record
