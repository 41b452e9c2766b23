"""Restricted records and fields never reach the API; public data does.

The API has no authentication at all, so even a signed-in organiser's browser session gets the
public view: nothing restricted can be fetched with a stolen cookie either.
"""

import json

import pytest

from solidarity.core.tests.casefile import leaked

PATHS = [
    "/api/v1/cases/",
    "/api/v1/cases/ales-bialiatski/",
    "/api/v1/organisations/",
    "/api/v1/publications/",
    "/api/v1/publications/en/free-ales/",
    "/api/v1/publications/be/volia-alesiu/",
]


def every_response(client) -> str:
    bodies = []
    for path in PATHS:
        response = client.get(path)
        assert response.status_code == 200, path
        bodies.append(json.dumps(response.json(), ensure_ascii=False))
    return "\n".join(bodies)


def test_no_restricted_value_in_any_response(client, casefile):
    text = every_response(client)
    assert leaked(text, casefile) == []
    for fact in casefile.public_facts:
        assert fact in text


def test_organisers_get_the_public_view_too(organiser_client, casefile):
    assert leaked(every_response(organiser_client), casefile) == []


@pytest.mark.parametrize(
    ("pointer", "absent"),
    [
        ((), {"birth_date", "biography", "identifiers"}),
        (("episodes", 0), {"arrest_place", "notes"}),
        (("episodes", 0, "places", 0), {"postal_address"}),
        (("episodes", 0, "proceedings", 0), {"outcome"}),
        (("episodes", 0, "sentences", 0), {"fine_amount", "fine_currency"}),
        (("decisions", 0), {"url"}),
        (("updates", 0), {"text"}),
    ],
)
def test_restricted_fields_are_left_out_not_blanked(client, casefile, pointer, absent):
    record = client.get("/api/v1/cases/ales-bialiatski/").json()
    for step in pointer:
        record = record[step]
    assert absent.isdisjoint(record)
    # The record itself is there, with its public fields.
    assert len(record) > len(absent)


def test_unrestricted_fields_of_the_same_kind_are_present(client, casefile):
    body = client.get("/api/v1/cases/ales-bialiatski/").json()
    ongoing = body["episodes"][1]
    assert {"arrest_place", "notes"} <= set(ongoing)
    assert body["episodes"][0]["sentences"][0]["confiscation"] is True


def test_restricted_records_are_neither_listed_nor_counted(client, casefile):
    body = client.get("/api/v1/cases/ales-bialiatski/").json()
    assert len(body["episodes"]) == 2
    assert len(body["decisions"]) == 1
    assert len(body["updates"]) == 1
    assert len(body["memberships"]) == 1
    assert len(body["episodes"][0]["charges"]) == 1
    assert len(body["episodes"][0]["places"]) == 1
    # The restricted 2001 episode (29 days) is not in the total.
    assert body["counter"]["total"]["total_days"] == (
        1052 + body["counter"]["current"]["total_days"]
    )
