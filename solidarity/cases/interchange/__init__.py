"""Import and export of cases as JSON or CSV (the formats are described in docs/data-format.md).

Export: `export_json()`, `export_csv_zip()`, `export_people_csv()`.
Import: `import_path()`, `import_json()`, `import_csv()`; all or nothing: every record is
checked first, and `ImportFailed.problems` names each bad one with its place in the file.
"""

from __future__ import annotations

from pathlib import Path

from solidarity.cases.interchange import csv_io, json_io
from solidarity.cases.interchange.build import build_plan
from solidarity.cases.interchange.collect import export_document
from solidarity.cases.interchange.problems import ImportFailed, Problem
from solidarity.cases.interchange.records import Incoming, Track, no_progress
from solidarity.cases.interchange.schema import PEOPLE
from solidarity.cases.interchange.write import Written, write_plan

__all__ = [
    "FORMATS",
    "ImportFailed",
    "Problem",
    "Written",
    "export_csv_zip",
    "export_document",
    "export_json",
    "export_people_csv",
    "guess_format",
    "import_csv",
    "import_document",
    "import_json",
    "import_path",
]

FORMATS = ("json", "csv")


def export_json(user=None, *, include_restricted=None, track: Track = no_progress) -> str:
    return json_io.dumps(export_document(user, include_restricted=include_restricted, track=track))


def export_csv_zip(user=None, *, include_restricted=None, track: Track = no_progress) -> bytes:
    document = export_document(user, include_restricted=include_restricted, track=track)
    return csv_io.dump_zip(document)


def export_people_csv(user=None, *, include_restricted=None) -> str:
    """people.csv alone: one row per person, for a spreadsheet."""
    document = export_document(user, include_restricted=include_restricted)
    return csv_io.dump_files(document)[PEOPLE.filename]


def import_json(text: str, *, dry_run: bool = False, track: Track = no_progress) -> Written:
    return _import(json_io.loads(text), dry_run, track)


def import_document(document: dict, *, dry_run: bool = False, track: Track = no_progress):
    """A JSON-format document given as Python objects."""
    return _import(json_io.load_document(document), dry_run, track)


def import_csv(files: dict[str, str], *, dry_run: bool = False, track: Track = no_progress):
    """`files` maps CSV file names (people.csv, episodes.csv ...) to their text."""
    return _import(csv_io.loads(files), dry_run, track)


def guess_format(path: Path) -> str:
    return "json" if path.suffix.lower() == ".json" else "csv"


def import_path(
    path: Path, *, fmt: str | None = None, dry_run: bool = False, track: Track = no_progress
) -> Written:
    """A JSON file, or CSV as a ZIP, a directory of CSV files, or a single people CSV."""
    if (fmt or guess_format(path)) == "json":
        return import_json(path.read_text(encoding="utf-8-sig"), dry_run=dry_run, track=track)
    return import_csv(csv_io.read_path(path), dry_run=dry_run, track=track)


def _import(incoming: Incoming, dry_run: bool, track: Track) -> Written:
    plan = build_plan(incoming, track)  # raises ImportFailed before anything is written
    return write_plan(plan, dry_run=dry_run, track=track)
