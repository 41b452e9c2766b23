"""What the interchange formats hold: one table of record types and their fields.

Both formats (JSON and CSV) and both directions (export and import) read this table, so a
field added here appears everywhere at once, and `docs/data-format.md` describes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import models

from solidarity.cases import models as cases

FORMAT_NAME = "solidarity-cases"
FORMAT_VERSION = 1

# Fields every record carries (see solidarity.core.confidentiality).
CONFIDENTIALITY = ("confidentiality", "restricted_fields", "sources")

# Text fields that hold one item per line; the formats show them as lists.
LINE_LIST_FIELDS = {"other_names", "sources"}


@dataclass(frozen=True)
class RecordType:
    key: str  # JSON key and CSV file stem: "episodes" -> episodes.csv
    model: type[models.Model]
    fields: tuple[str, ...]
    parent: str | None = None  # "person" or "episode": the record it belongs to

    @property
    def filename(self) -> str:
        return f"{self.key}.csv"


ORGANISATIONS = RecordType(
    "organisations",
    cases.Organisation,
    ("slug", "name", "abbreviation", "country", "url", *CONFIDENTIALITY, "is_demo"),
)
PEOPLE = RecordType(
    "people",
    cases.Person,
    (
        "slug",
        "name",
        "other_names",
        "birth_date",
        "gender",
        "country",
        "time_zone",
        "photo",
        "photo_credit",
        "biography",
        "identifiers",
        *CONFIDENTIALITY,
        "is_demo",
    ),
)
MEMBERSHIPS = RecordType(
    "memberships",
    cases.Membership,
    ("organisation", "role", "start_date", "end_date", *CONFIDENTIALITY),
    parent="person",
)
EPISODES = RecordType(
    "episodes",
    cases.DetentionEpisode,
    ("arrest_date", "arrest_place", "release_date", "release_mode", "notes", *CONFIDENTIALITY),
    parent="person",
)
CHARGES = RecordType(
    "charges",
    cases.Charge,
    ("code", "article", "part", "label", *CONFIDENTIALITY),
    parent="episode",
)
PROCEEDINGS = RecordType(
    "proceedings",
    cases.Proceeding,
    ("court", "date", "stage", "outcome", *CONFIDENTIALITY),
    parent="episode",
)
SENTENCES = RecordType(
    "sentences",
    cases.Sentence,
    (
        "date",
        "term",
        "regime",
        "fine_amount",
        "fine_currency",
        "confiscation",
        *CONFIDENTIALITY,
    ),
    parent="episode",
)
PLACES = RecordType(
    "places",
    cases.DetentionPlace,
    ("name", "start_date", "end_date", "postal_address", *CONFIDENTIALITY),
    parent="episode",
)
DECISIONS = RecordType(
    "decisions",
    cases.Decision,
    (
        "kind",
        "body_type",
        "body",
        "reference",
        "document_symbol",
        "adopted_on",
        "published_on",
        "session",
        "finding",
        "summary",
        "quotation",
        "url",
        *CONFIDENTIALITY,
    ),
    parent="person",
)
UPDATES = RecordType(
    "updates",
    cases.CaseUpdate,
    ("date", "kind", "title", "text", *CONFIDENTIALITY),
    parent="person",
)

PERSON_PARTS = (MEMBERSHIPS, EPISODES, DECISIONS, UPDATES)
EPISODE_PARTS = (CHARGES, PROCEEDINGS, SENTENCES, PLACES)
ALL_TYPES = (ORGANISATIONS, PEOPLE, *PERSON_PARTS, *EPISODE_PARTS)


class Kind:
    TEXT = "text"
    TRANSLATED = "translated"  # one value per language
    DATE = "date"
    DECIMAL = "decimal"
    BOOL = "bool"
    LINES = "lines"  # a text field of one item per line, shown as a list
    LIST = "list"  # a JSON list of strings (restricted_fields)
    MAPPING = "mapping"  # a JSON object of strings (identifiers)
    FILE = "file"  # the stored file name only; files themselves are not exported
    REFERENCE = "reference"  # the slug of another record (membership -> organisation)


def languages() -> list[str]:
    return [code for code, _label in settings.LANGUAGES]


@cache
def translated_fields(model: type[models.Model]) -> frozenset[str]:
    from modeltranslation.translator import NotRegistered, translator

    try:
        return frozenset(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return frozenset()


def field_kind(model: type[models.Model], name: str) -> str:
    if name in translated_fields(model):
        return Kind.TRANSLATED
    if name in LINE_LIST_FIELDS:
        return Kind.LINES
    field = model._meta.get_field(name)
    if isinstance(field, models.ForeignKey):
        return Kind.REFERENCE
    if isinstance(field, models.JSONField):
        return Kind.MAPPING if name == "identifiers" else Kind.LIST
    for field_class, kind in (
        (models.DateField, Kind.DATE),
        (models.DecimalField, Kind.DECIMAL),
        (models.BooleanField, Kind.BOOL),
        (models.FileField, Kind.FILE),
    ):
        if isinstance(field, field_class):
            return kind
    return Kind.TEXT


def csv_columns(record_type: RecordType) -> list[str]:
    """Key columns first (person slug, episode number), then one column per field/language."""
    # An episode row is keyed by its person and its own number; the rows below it by both.
    identified_by_episode = record_type is EPISODES or record_type.parent == "episode"
    columns = ["person", "episode"] if identified_by_episode else []
    if record_type.parent == "person" and not identified_by_episode:
        columns = ["person"]
    for name in record_type.fields:
        if field_kind(record_type.model, name) == Kind.TRANSLATED:
            columns += [f"{name}__{code}" for code in languages()]
        else:
            columns.append(name)
    return columns
