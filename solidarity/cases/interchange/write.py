"""Write a validated plan in one transaction: all of it, or (on any error) none of it."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import translation

from solidarity.cases.interchange import schema
from solidarity.cases.interchange.build import CasePlan, Plan
from solidarity.cases.interchange.records import Track, no_progress


@dataclass
class Written:
    organisations: int = 0
    people_created: int = 0
    people_updated: int = 0
    records: int = 0  # memberships, episodes and everything below them, decisions, updates


class _DryRun(Exception):
    pass


def write_plan(plan: Plan, *, dry_run: bool = False, track: Track = no_progress) -> Written:
    """Upsert organisations and people by slug; replace the parts of each person given.

    A dry run performs every write and then rolls back, so it finds whatever the database
    itself would refuse, and leaves nothing behind.
    """
    written = Written()
    # The untranslated column mirrors one language; always the default, whoever imports.
    with translation.override(settings.LANGUAGE_CODE):
        try:
            with transaction.atomic():
                _write(plan, written, track)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
    return written


def _write(plan: Plan, written: Written, track: Track) -> None:
    for organisation in plan.organisations:
        organisation.save()
        written.organisations += 1
    for case in track(plan.cases, len(plan.cases), "Writing cases"):
        if case.person.pk is None:
            written.people_created += 1
        else:
            written.people_updated += 1
        case.person.save()
        written.records += _replace_parts(case)


def _replace_parts(case: CasePlan) -> int:
    person, count = case.person, 0
    for part in schema.PERSON_PARTS:
        if part.key not in case.parts:
            continue
        getattr(person, _related_name(part)).all().delete()
        for item in case.parts[part.key]:
            if part is schema.EPISODES:
                count += _save_episode(person, item)
            else:
                item.person = person
                item.save()
                count += 1
    return count


def _save_episode(person, plan) -> int:
    plan.episode.person = person
    plan.episode.save()
    count = 1
    for records in plan.parts.values():
        for record in records:
            record.episode = plan.episode
            record.save()
            count += 1
    return count


def _related_name(part: schema.RecordType) -> str:
    return part.model._meta.get_field("person").remote_field.related_name
