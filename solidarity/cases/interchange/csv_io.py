"""The CSV format: one file per record type, tied together by the person's slug.

people.csv has one row per person, per-language columns (`name__en`, `name__be` ...) and
multi-value cells separated by "|", as Uwazi does. A person's memberships, episodes,
decisions and updates sit in their own files with a `person` column; an episode's charges,
proceedings, sentences and places carry `person` and `episode` (the episode's number within
that person). Exports are a ZIP of these files; see docs/data-format.md for every column.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

from solidarity.cases.interchange import schema
from solidarity.cases.interchange.problems import CsvWhere, Problem
from solidarity.cases.interchange.records import Incoming, Record
from solidarity.cases.interchange.values import BadValue, from_cells, to_cells

# Export ----------------------------------------------------------------------------------


def dump_files(document: dict[str, Any]) -> dict[str, str]:
    """Every CSV file of the export, by file name, in the order of `schema.ALL_TYPES`."""
    rows: dict[str, list[dict[str, str]]] = {t.key: [] for t in schema.ALL_TYPES}
    for organisation in document["organisations"]:
        rows["organisations"].append(_cells(schema.ORGANISATIONS, organisation))
    for case in document["cases"]:
        slug = case["slug"]
        rows["people"].append(_cells(schema.PEOPLE, case))
        for part in (schema.MEMBERSHIPS, schema.DECISIONS, schema.UPDATES):
            for item in case[part.key]:
                rows[part.key].append({"person": slug, **_cells(part, item)})
        for number, episode in enumerate(case["episodes"], start=1):
            keys = {"person": slug, "episode": str(number)}
            rows["episodes"].append({**keys, **_cells(schema.EPISODES, episode)})
            for part in schema.EPISODE_PARTS:
                for item in episode[part.key]:
                    rows[part.key].append({**keys, **_cells(part, item)})
    return {t.filename: _write(schema.csv_columns(t), rows[t.key]) for t in schema.ALL_TYPES}


def dump_zip(document: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for filename, text in dump_files(document).items():
            archive.writestr(filename, text)
    return buffer.getvalue()


def _cells(record_type: schema.RecordType, values: dict[str, Any]) -> dict[str, str]:
    cells: dict[str, str] = {}
    for name in record_type.fields:
        kind = schema.field_kind(record_type.model, name)
        cells.update(to_cells(name, kind, values[name]))
    return cells


def _write(columns: list[str], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


# Import ----------------------------------------------------------------------------------

BY_FILENAME = {t.filename: t for t in schema.ALL_TYPES}


def read_path(path: Path) -> dict[str, str]:
    """CSV texts by file name, from a ZIP, a directory, or one CSV file (taken as people)."""
    if path.is_dir():
        return {p.name: _decode(p.read_bytes()) for p in path.glob("*.csv")}
    if zipfile.is_zipfile(path):
        return read_zip(path.read_bytes())
    name = path.name if path.name in BY_FILENAME else schema.PEOPLE.filename
    return {name: _decode(path.read_bytes())}


def read_zip(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            Path(info.filename).name: _decode(archive.read(info))
            for info in archive.infolist()
            if info.filename.endswith(".csv") and not info.is_dir()
        }


def _decode(data: bytes) -> str:
    return data.decode("utf-8-sig", errors="replace")


def loads(files: dict[str, str]) -> Incoming:
    incoming = Incoming(organisations=None, cases=[])
    problems = incoming.problems
    for name in sorted(set(files) - set(BY_FILENAME)):
        problems.append(Problem(name, f"unknown file; expected one of {', '.join(BY_FILENAME)}"))
    if schema.PEOPLE.filename not in files:
        problems.append(Problem(schema.PEOPLE.filename, "missing: every import needs people"))
        return incoming
    _check_episode_files(files, problems)
    parsed = {
        t.key: _parse(t, files[t.filename], problems)
        for t in schema.ALL_TYPES
        if t.filename in files
    }
    if "organisations" in parsed:
        incoming.organisations = [record for record, _keys in parsed["organisations"]]
    incoming.cases = _assemble(parsed, problems)
    return incoming


def _check_episode_files(files: dict[str, str], problems: list[Problem]) -> None:
    family = [schema.EPISODES, *schema.EPISODE_PARTS]
    present = [t.filename for t in family if t.filename in files]
    if present and len(present) != len(family):
        missing = [t.filename for t in family if t.filename not in files]
        problems.append(
            Problem(
                ", ".join(missing),
                "missing: episodes and their charges, proceedings, sentences and places are "
                "replaced together, so give all five files (a file may hold only its header)",
            )
        )


def _parse(record_type, text: str, problems: list[Problem]) -> list[tuple[Record, dict]]:
    """(record, key columns) for each row of one file."""
    filename = record_type.filename
    lines = io.StringIO(text, newline="")
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        problems.append(Problem(filename, "empty file: the first line must name the columns"))
        return []
    expected = schema.csv_columns(record_type)
    unknown = [column for column in header if column not in expected]
    if unknown:
        problems.append(
            Problem(
                f"{filename} line 1",
                f"unknown column(s) {', '.join(unknown)}; see docs/data-format.md",
            )
        )
    key_columns = [c for c in ("person", "episode") if c in expected]
    absent_keys = [c for c in key_columns if c not in header]
    if absent_keys:
        problems.append(
            Problem(f"{filename} line 1", f"missing column(s) {', '.join(absent_keys)}")
        )
        return []
    results = []
    line = reader.line_num
    for cells in reader:
        where = CsvWhere(filename, line + 1)
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # blank lines, which spreadsheets like to leave at the end
        if len(cells) != len(header):
            problems.append(
                Problem(str(where), f"{len(cells)} cells, but the header names {len(header)}")
            )
            continue
        row = dict(zip(header, cells, strict=True))
        results.append((_record(record_type, row, where, problems), row))
    return results


def _record(record_type, row: dict[str, str], where: CsvWhere, problems) -> Record:
    values = {}
    for name in record_type.fields:
        kind = schema.field_kind(record_type.model, name)
        try:
            values[name] = from_cells(row, record_type.model, name, kind)
        except BadValue as error:
            problems.append(Problem(where.field(name), str(error)))
    return Record(where, values)


def _assemble(parsed: dict[str, list[tuple[Record, dict]]], problems) -> list[Record]:
    people: dict[str, Record] = {}
    for record, _row in parsed["people"]:
        people.setdefault(record.values.get("slug", ""), record)
        for part in schema.PERSON_PARTS:
            if part.key in parsed:
                record.parts[part.key] = []
    episodes: dict[tuple[str, str], Record] = {}
    for part in schema.PERSON_PARTS:
        for record, row in parsed.get(part.key, []):
            person = _owner(people, row["person"], record, problems)
            if person is None:
                continue
            if part is schema.EPISODES:
                key = (row["person"], row["episode"])
                if key in episodes:
                    problems.append(
                        Problem(str(record.where), f"episode “{row['episode']}” appears twice")
                    )
                    continue
                episodes[key] = record
                record.parts = {sub.key: [] for sub in schema.EPISODE_PARTS}
            person.parts[part.key].append(record)
    for part in schema.EPISODE_PARTS:
        for record, row in parsed.get(part.key, []):
            episode = episodes.get((row["person"], row["episode"]))
            if episode is None:
                problems.append(
                    Problem(
                        str(record.where),
                        f"no episode “{row['episode']}” of person “{row['person']}” "
                        "in episodes.csv",
                    )
                )
                continue
            episode.parts[part.key].append(record)
    return [record for record, _row in parsed["people"]]


def _owner(people: dict[str, Record], slug: str, record: Record, problems) -> Record | None:
    person = people.get(slug)
    if person is None:
        problems.append(Problem(str(record.where), f"person “{slug}” is not in people.csv"))
    return person
