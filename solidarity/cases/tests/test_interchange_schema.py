"""The interchange formats cover every field of every case model, so none is lost on the way."""

import pytest

from solidarity.cases.interchange import schema
from solidarity.cases.interchange.values import join_multi, split_multi

# Not data (keys, timestamps) or covered another way (the per-language columns of a
# translated field; the parent record, given by nesting or by the key columns).
NOT_EXCHANGED = {"id", "created_at", "updated_at", "person", "episode"}


@pytest.mark.parametrize("record_type", schema.ALL_TYPES, ids=lambda t: t.key)
def test_every_model_field_is_in_the_format(record_type):
    model = record_type.model
    translated_columns = {
        f"{name}_{code}" for name in schema.translated_fields(model) for code in schema.languages()
    }
    stored = {f.name for f in model._meta.concrete_fields} - NOT_EXCHANGED - translated_columns

    assert stored == set(record_type.fields)


def test_every_column_is_documented():
    from pathlib import Path

    documentation = (Path(__file__).parents[3] / "docs" / "data-format.md").read_text()
    for record_type in schema.ALL_TYPES:
        assert f"### {record_type.filename}" in documentation
        for column in schema.csv_columns(record_type):
            assert f"`{column}`" in documentation, f"{record_type.filename}: {column}"


@pytest.mark.parametrize(
    "items", [[], ["", ""], ["a|b", "c\\d", "\\|"], ["trailing\\"], ["one"], ["", "x", ""]]
)
def test_multi_value_cells_read_back_what_was_written(items):
    assert split_multi(join_multi(items)) == items
