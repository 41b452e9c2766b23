"""A bad import writes nothing and names every bad record: CSV by line, JSON by pointer."""

import csv
import io
import json

import pytest

from solidarity.cases import interchange
from solidarity.cases.interchange import schema
from solidarity.cases.models import DetentionEpisode, Person

pytestmark = pytest.mark.django_db

PEOPLE_COLUMNS = schema.csv_columns(schema.PEOPLE)


def _people_csv(rows: int, bad_line: int | None = None) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=PEOPLE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for number in range(1, rows + 1):
        line = number + 1  # the header is line 1
        writer.writerow(
            {
                "slug": f"person-{number}",
                "name__en": f"Person {number}",
                "name__ru": f"Человек {number}",
                "country": "BY",
                "time_zone": "Europe/Minsk",
                "birth_date": "1980-02-30" if line == bad_line else "1980-02-28",
                "other_names": "One|Two",
                "is_demo": "false",
            }
        )
    return out.getvalue()


def _problems(call) -> list[str]:
    with pytest.raises(interchange.ImportFailed) as failure:
        call()
    return [str(problem) for problem in failure.value.problems]


def test_a_thousand_rows_with_one_bad_date_write_nothing_and_name_the_line():
    text = _people_csv(1000, bad_line=637)

    problems = _problems(lambda: interchange.import_csv({"people.csv": text}))

    assert problems == [
        "people.csv line 637, column birth_date: “1980-02-30” is not a real calendar date"
    ]
    assert Person.objects.count() == 0


def test_rows_without_a_bad_one_are_imported():
    written = interchange.import_csv({"people.csv": _people_csv(200)})

    assert written.people_created == 200
    assert Person.objects.get(slug="person-137").other_names == "One\nTwo"


def test_a_failed_import_leaves_existing_data_untouched():
    interchange.import_csv({"people.csv": _people_csv(3)})
    changed = _people_csv(3, bad_line=4).replace("Person 1,", "Renamed,")

    _problems(lambda: interchange.import_csv({"people.csv": changed}))

    assert Person.objects.get(slug="person-1").name_en == "Person 1"


def test_line_numbers_count_lines_inside_quoted_cells():
    rows = _people_csv(2).splitlines()
    rows[1] = rows[1].replace("Person 1", '"Person\nover two lines"')
    text = "\n".join(rows) + "\nperson-3,Person 3,,,,not-a-date,,,UTC,,,,,,,,,,\n"

    problems = _problems(lambda: interchange.import_csv({"people.csv": text}))

    # Line 2 holds two lines, person-2 starts on line 4, person-3 on line 5.
    assert problems == [
        "people.csv line 5, column birth_date: “not-a-date” is not a date; write it as "
        "YYYY-MM-DD, e.g. 2011-08-04"
    ]


def _case(slug: str, **values) -> dict:
    return {"slug": slug, "name": {"en": slug.title()}, "time_zone": "UTC", **values}


def _document(*cases, **extra) -> dict:
    return {"format": "solidarity-cases", "version": 1, "cases": list(cases), **extra}


def test_a_bad_json_record_is_named_by_its_pointer_and_nothing_is_written():
    cases = [_case(f"person-{n}") for n in range(10)]
    cases[6]["time_zone"] = "Europe/Atlantis"
    cases[8]["episodes"] = [
        {"arrest_date": "2020-01-01", "sentences": [{"date": "2020-06-01", "term": "4 years"}]}
    ]

    problems = _problems(lambda: interchange.import_json(json.dumps(_document(*cases))))

    assert problems == [
        "/cases/6/time_zone: “Europe/Atlantis” is not an IANA time zone such as Europe/Minsk.",
        "/cases/8/episodes/0/sentences/0/term: Enter the term as an ISO 8601 duration such as "
        "P4Y6M (4 years 6 months).",
    ]
    assert Person.objects.count() == 0


def test_every_kind_of_mistake_is_reported_at_once():
    document = _document(
        _case("ok", gender="robot", country="XX", memberships=[{"organisation": "nowhere"}]),
        _case("ok", birth_date=20110804),
        _case(
            "Not A Slug!",
            restricted_fields=["name"],
            episodes=[
                {"arrest_date": "2014-06-21", "release_date": "2011-08-04", "release_mode": ""}
            ],
        ),
        unknown_key=1,
    )

    problems = _problems(lambda: interchange.import_document(document))

    assert problems == [
        "/unknown_key: unknown key",
        "/cases/0/gender: Value 'robot' is not a valid choice.",
        "/cases/0/country: Value 'XX' is not a valid choice.",
        "/cases/1/slug: “ok” is used twice (first at /cases/0)",
        "/cases/1/birth_date: “20110804” is not a date; write it as YYYY-MM-DD, e.g. 2011-08-04",
        "/cases/2/slug: Enter a valid “slug” consisting of letters, numbers, underscores or "
        "hyphens.",
        "/cases/2/restricted_fields: These fields cannot be restricted: name. Allowed: "
        "birth_date, gender, photo, biography, identifiers.",
        "/cases/2/episodes/0/release_date: The end of a period cannot precede its start.",
        "/cases/0/memberships/0/organisation: no organisation “nowhere” in this file or on "
        "the platform",
    ]
    assert Person.objects.count() == 0


def test_csv_files_that_do_not_fit_together_are_refused():
    people = "slug,name__en,nickname\nann,Ann,Annie\n"
    episodes = "person,episode,arrest_date\nbob,1,2020-01-01\n"

    problems = _problems(
        lambda: interchange.import_csv({"people.csv": people, "episodes.csv": episodes})
    )

    assert problems[0].startswith("charges.csv, proceedings.csv, sentences.csv, places.csv:")
    assert problems[1:] == [
        "people.csv line 1: unknown column(s) nickname; see docs/data-format.md",
        "episodes.csv line 2: person “bob” is not in people.csv",
    ]


def test_a_wrong_format_name_or_version_is_refused():
    problems = _problems(
        lambda: interchange.import_document({"format": "other", "version": 2, "cases": []})
    )

    assert problems == [
        '/format: must be "solidarity-cases"',
        "/version: this platform reads version 1, not 2",
    ]


def test_a_dry_run_checks_everything_and_writes_nothing():
    document = _document(_case("ann", episodes=[{"arrest_date": "2020-01-01"}]))

    written = interchange.import_document(document, dry_run=True)

    assert (written.people_created, written.records) == (1, 1)
    assert Person.objects.count() == 0
    assert DetentionEpisode.objects.count() == 0


def test_a_person_needs_a_name_in_at_least_one_language():
    document = _document({"slug": "nameless", "name": {"en": None, "be": "", "ru": None}})

    problems = _problems(lambda: interchange.import_document(document))

    assert problems == ["/cases/0/name/en: This field cannot be blank."]
