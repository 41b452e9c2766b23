"""Read cases from the database into the canonical export document.

Public exports read like every public channel: `visible_to()` for records and the selectors'
`redact_case()` for fields, so restricted data stays out. Which fields are restricted is
itself left out of a public export (it would tell that, say, an address exists).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from solidarity.cases.interchange import schema
from solidarity.cases.interchange.records import Track, no_progress
from solidarity.cases.interchange.values import read_field
from solidarity.cases.models import Organisation, Person
from solidarity.cases.selectors import redact_case
from solidarity.core.confidentiality import Confidentiality, can_see_restricted, redact


def export_document(
    user=None, *, include_restricted: bool | None = None, track: Track = no_progress
) -> dict[str, Any]:
    """Every case `user` may see; `include_restricted=True` (organisers' CLI) gives all."""
    if include_restricted is None:
        include_restricted = can_see_restricted(user)

    def visible(model):
        return model.objects.all() if include_restricted else model.objects.visible_to(None)

    organisations = list(visible(Organisation).order_by("slug"))
    people = (
        visible(Person)
        .order_by("slug")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=visible(schema.MEMBERSHIPS.model)
                .filter(organisation__in=visible(Organisation))
                .select_related("organisation"),
            ),
            Prefetch(
                "episodes",
                queryset=visible(schema.EPISODES.model).prefetch_related(
                    *[Prefetch(p.key, queryset=visible(p.model)) for p in schema.EPISODE_PARTS]
                ),
            ),
            Prefetch("decisions", queryset=visible(schema.DECISIONS.model)),
            Prefetch("updates", queryset=visible(schema.UPDATES.model)),
        )
    )
    if not include_restricted:
        organisations = [redact(organisation, None) for organisation in organisations]
    cases = []
    for person in track(people, people.count(), "Exporting cases"):
        if not include_restricted:
            redact_case(person, None)
        cases.append(_case(person, include_restricted))
    return {
        "format": schema.FORMAT_NAME,
        "version": schema.FORMAT_VERSION,
        "public_only": not include_restricted,
        "organisations": [
            _values(o, schema.ORGANISATIONS, include_restricted) for o in organisations
        ],
        "cases": cases,
    }


def _case(person: Person, include_restricted: bool) -> dict[str, Any]:
    case = _values(person, schema.PEOPLE, include_restricted)
    for part in (schema.MEMBERSHIPS, schema.DECISIONS, schema.UPDATES):
        case[part.key] = [
            _values(item, part, include_restricted) for item in getattr(person, part.key).all()
        ]
    case["episodes"] = []
    for episode in person.episodes.all():
        values = _values(episode, schema.EPISODES, include_restricted)
        for part in schema.EPISODE_PARTS:
            values[part.key] = [
                _values(item, part, include_restricted) for item in getattr(episode, part.key).all()
            ]
        case["episodes"].append(values)
    return case


def _values(instance, record_type: schema.RecordType, include_restricted: bool) -> dict:
    values = {
        name: read_field(instance, name, schema.field_kind(record_type.model, name))
        for name in record_type.fields
    }
    if not include_restricted:
        values["restricted_fields"] = []
        values["confidentiality"] = Confidentiality.PUBLIC.value
    return values
