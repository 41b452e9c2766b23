"""The import_cases and export_cases commands, through call_command as the CLI runs them."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from solidarity.cases.models import Person
from solidarity.cases.tests.interchange_data import (
    canonical_dump,
    delete_everything,
    make_everything,
)

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, "--no-progress", stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize("fmt, filename", [("json", "cases.json"), ("csv", "cases.zip")])
def test_export_then_import_through_the_commands_reproduces_the_data(tmp_path, fmt, filename):
    make_everything()
    before = canonical_dump()
    path = tmp_path / filename

    _run("export_cases", "--format", fmt, "-o", str(path))
    delete_everything()
    report = _run("import_cases", str(path))

    assert "Imported 3 new and 0 updated people, 2 organisations" in report
    assert canonical_dump() == before


def test_export_to_standard_output_can_be_public_only():
    make_everything()

    document = json.loads(_run("export_cases", "--public-only"))

    assert document["public_only"] is True
    assert "hidden-person" not in [case["slug"] for case in document["cases"]]


def test_a_csv_export_needs_a_file_name():
    with pytest.raises(CommandError, match="-o"):
        _run("export_cases", "--format", "csv")


def test_a_bad_import_fails_the_command_and_lists_the_problem(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("slug,name__en,time_zone\nann,Ann,Mars/Olympus\n")
    errors = io.StringIO()

    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_cases", str(path), "--no-progress", stderr=errors)

    assert "people.csv line 2, column time_zone" in errors.getvalue()
    assert Person.objects.count() == 0


def test_a_dry_run_through_the_command_writes_nothing(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("slug,name__en,time_zone\nann,Ann,Europe/Minsk\n")

    report = _run("import_cases", str(path), "--dry-run")

    assert "Would import 1 new" in report
    assert Person.objects.count() == 0
