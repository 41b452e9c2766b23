"""Turn read records into validated, unsaved model instances, or say what is wrong.

Every record goes through the model's own `full_clean()` (choices, slugs, ISO durations,
time zones, periods, restrictable fields) after its values have been converted, and the
references between records are checked, so that writing afterwards cannot fail halfway.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from solidarity.cases.interchange import schema
from solidarity.cases.interchange.problems import ImportFailed, Problem
from solidarity.cases.interchange.records import Incoming, Record, Track, no_progress
from solidarity.cases.interchange.values import BadValue, missing_value, write_field
from solidarity.cases.models import Organisation, Person

LOOKUP_CHUNK = 500  # stays under every database's limit on query parameters


@dataclass
class EpisodePlan:
    episode: models.Model
    parts: dict[str, list[models.Model]]


@dataclass
class CasePlan:
    person: Person
    # Only the parts given in the input; each replaces that part of the person on write.
    parts: dict[str, list] = field(default_factory=dict)


@dataclass
class Plan:
    organisations: list[Organisation]
    cases: list[CasePlan]


def build_plan(incoming: Incoming, track: Track = no_progress) -> Plan:
    """Validate everything; raise ImportFailed listing every problem if anything is wrong."""
    builder = _Builder(list(incoming.problems))
    plan = builder.build(incoming, track)
    if builder.problems:
        raise ImportFailed(builder.problems)
    return plan


class _Builder:
    def __init__(self, problems: list[Problem]):
        self.problems = problems

    def build(self, incoming: Incoming, track: Track) -> Plan:
        organisations = self._top_level(incoming.organisations or [], schema.ORGANISATIONS)
        self.organisations_by_slug = {o.slug: o for o in organisations}
        people = self._top_level(incoming.cases, schema.PEOPLE, track)
        cases = [
            CasePlan(person, self._person_parts(record))
            for person, record in zip(people, incoming.cases, strict=True)
        ]
        self._check_organisation_references(cases)
        return Plan(organisations, cases)

    # Organisations and people: upserted by slug --------------------------------------

    def _top_level(self, records: list[Record], record_type, track: Track = no_progress):
        model = record_type.model
        existing = _existing_by_slug(model, [r.values.get("slug") for r in records])
        seen: dict[str, Record] = {}
        instances = []
        for record in track(records, len(records), f"Checking {record_type.key}"):
            slug = record.values.get("slug")
            if isinstance(slug, str) and slug in seen:
                self.problems.append(
                    Problem(
                        record.where.field("slug"),
                        f"“{slug}” is used twice (first at {seen[slug].where})",
                    )
                )
            elif isinstance(slug, str):
                seen[slug] = record
            instance = existing.get(slug) if isinstance(slug, str) else None
            instance = instance or model()
            self._fill(instance, record, record_type)
            instances.append(instance)
        return instances

    # Parts of a person: recreated ------------------------------------------------------

    def _person_parts(self, record: Record) -> dict[str, list]:
        parts: dict[str, list] = {}
        for part in schema.PERSON_PARTS:
            if part.key not in record.parts:
                continue
            items = []
            for item in record.parts[part.key]:
                instance = part.model()
                self._fill(instance, item, part, exclude=("person",))
                if part is schema.EPISODES:
                    instance = EpisodePlan(instance, self._episode_parts(item))
                items.append((instance, item) if part is schema.MEMBERSHIPS else instance)
            parts[part.key] = items
        return parts

    def _episode_parts(self, record: Record) -> dict[str, list[models.Model]]:
        parts = {}
        for part in schema.EPISODE_PARTS:
            parts[part.key] = []
            for item in record.parts.get(part.key, []):
                instance = part.model()
                self._fill(instance, item, part, exclude=("episode",))
                parts[part.key].append(instance)
        return parts

    def _check_organisation_references(self, cases: list[CasePlan]) -> None:
        memberships = [pair for case in cases for pair in case.parts.get("memberships", [])]
        slugs = {record.values.get("organisation") for _membership, record in memberships}
        known = dict(_existing_by_slug(Organisation, slugs))
        known.update(self.organisations_by_slug)
        for case in cases:
            if "memberships" not in case.parts:
                continue
            resolved = []
            for membership, record in case.parts["memberships"]:
                slug = record.values.get("organisation")
                organisation = known.get(slug) if isinstance(slug, str) else None
                if organisation is None:
                    self.problems.append(
                        Problem(
                            record.where.field("organisation"),
                            f"no organisation “{slug}” in this file or on the platform",
                        )
                    )
                else:
                    # Saved before the membership on write, so the key is known by then.
                    membership.organisation = organisation
                resolved.append(membership)
            case.parts["memberships"] = resolved
        self.organisations_by_slug = known

    # One record -----------------------------------------------------------------------

    def _fill(self, instance, record: Record, record_type, exclude: Iterable[str] = ()) -> None:
        model = record_type.model
        converted = True
        for name in record_type.fields:
            kind = schema.field_kind(model, name)
            if kind == schema.Kind.REFERENCE:
                continue  # resolved after every record is read
            value = record.values.get(name, missing_value(model, name, kind))
            try:
                write_field(instance, name, kind, value)
            except BadValue as error:
                self.problems.append(Problem(record.where.field(name), str(error)))
                converted = False
        if not converted:
            return  # the model's own checks would trip over the values left unconverted
        excluded = [*exclude] + [
            name
            for name in record_type.fields
            if schema.field_kind(model, name) == schema.Kind.REFERENCE
        ]
        try:
            instance.full_clean(exclude=excluded)
        except ValidationError as error:
            self._report(error, record, model)

    def _report(self, error: ValidationError, record: Record, model) -> None:
        for key, messages in error.message_dict.items():
            where = _field_where(record, model, key)
            for message in messages:
                self.problems.append(Problem(where, message))


def _field_where(record: Record, model, key: str) -> str:
    if key == "__all__":
        return str(record.where)
    translated = schema.translated_fields(model)
    if key in translated:
        return record.where.field(key, settings.LANGUAGE_CODE)
    base, _sep, language = key.rpartition("_")
    if base in translated:
        return record.where.field(base, language)
    return record.where.field(key)


def _existing_by_slug(model, slugs: Iterable) -> dict[str, models.Model]:
    wanted = sorted({slug for slug in slugs if isinstance(slug, str) and slug})
    found: dict[str, models.Model] = {}
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        found.update(model.objects.in_bulk(wanted[start : start + LOOKUP_CHUNK], field_name="slug"))
    return found
