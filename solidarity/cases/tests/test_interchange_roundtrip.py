"""Export then import reproduces the registry exactly, in JSON and in CSV."""

import pytest

from solidarity.cases import interchange
from solidarity.cases.interchange import csv_io
from solidarity.cases.models import Person
from solidarity.cases.tests.interchange_data import (
    canonical_dump,
    delete_everything,
    make_everything,
)

pytestmark = pytest.mark.django_db


def test_json_export_then_import_on_an_empty_database_reproduces_every_value():
    make_everything()
    before = canonical_dump()
    exported = interchange.export_json(include_restricted=True)

    delete_everything()
    assert canonical_dump()["people"] == []
    interchange.import_json(exported)

    assert canonical_dump() == before
    # Same order too: exporting again gives the very same document.
    assert interchange.export_json(include_restricted=True) == exported


def test_csv_export_then_import_on_an_empty_database_reproduces_every_value():
    make_everything()
    before = canonical_dump()
    exported = interchange.export_csv_zip(include_restricted=True)

    delete_everything()
    interchange.import_csv(csv_io.read_zip(exported))

    assert canonical_dump() == before
    assert csv_io.read_zip(interchange.export_csv_zip(include_restricted=True)) == (
        csv_io.read_zip(exported)
    )


def test_importing_over_existing_data_updates_in_place_without_duplicates():
    make_everything()
    before = canonical_dump()
    ales_pk = Person.objects.get(slug="ales-bialiatski").pk
    exported = interchange.export_json(include_restricted=True)

    written = interchange.import_json(exported)

    assert written.people_created == 0
    assert written.people_updated == 3
    assert canonical_dump() == before
    # Updated, not recreated: links from elsewhere (publications, campaigns) survive.
    assert Person.objects.get(slug="ales-bialiatski").pk == ales_pk


def test_a_part_left_out_of_the_input_is_left_alone():
    make_everything()
    document = interchange.export_document(include_restricted=True)
    for case in document["cases"]:
        del case["episodes"]
        case["name"]["en"] = f"{case['name']['en']} (renamed)"

    interchange.import_document(document)

    ales = Person.objects.get(slug="ales-bialiatski")
    assert ales.name_en == "Ales Bialiatski (renamed)"
    assert ales.episodes.count() == 2


def test_multi_value_cells_escape_the_separator():
    make_everything()
    people = csv_io.dump_files(interchange.export_document(include_restricted=True))["people.csv"]

    assert r"Ales Byalyatski\|pipe" in people
    assert r"odd\\=key?=a\|b=c" in people
