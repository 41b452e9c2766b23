"""Bad input gets a 400 that names the parameter and says what is wrong, never a 500."""

import pytest


def errors(response) -> dict:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"] == "Some parameters are invalid."
    return body["errors"]


@pytest.mark.parametrize(
    ("query", "param", "message"),
    [
        ("status=jailed", "status", "Choose one of: detained, released, not_detained."),
        ("country=Belarus", "country", "two-letter ISO 3166-1 country code"),
        ("country=QQ", "country", "“QQ” is not an ISO 3166-1 country code."),
        ("organisation=no%20spaces", "organisation", "letters, numbers, underscores"),
        ("q=" + "x" * 101, "q", "no more than 100 characters"),
        ("q=%00", "q", "Null characters are not allowed."),
        ("limit=abc", "limit", "Give a whole number from 1 to 200."),
        ("limit=0", "limit", "Give a whole number from 1 to 200."),
        ("limit=201", "limit", "Give a whole number from 1 to 200."),
        ("limit=%D9%A1", "limit", "Give a whole number from 1 to 200."),
        ("offset=-1", "offset", "Give a whole number from 0 to 1000000."),
        ("offset=99999999999999999999999", "offset", "Give a whole number from 0 to 1000000."),
        ("statu=detained", "statu", "Unknown parameter. Known parameters: country, limit,"),
        ("status=detained&status=released", "status", "Give this parameter only once."),
    ],
)
def test_bad_case_list_params(client, casefile, query, param, message):
    found = errors(client.get(f"/api/v1/cases/?{query}"))
    assert message in " ".join(found[param])


@pytest.mark.parametrize(
    ("query", "param"),
    [("language=de", "language"), ("kind=tweet", "kind"), ("case=a/b", "case")],
)
def test_bad_publication_list_params(client, casefile, query, param):
    assert param in errors(client.get(f"/api/v1/publications/?{query}"))


def test_detail_endpoints_take_no_query_params(client, casefile):
    found = errors(client.get("/api/v1/cases/ales-bialiatski/?limit=5"))
    assert "Unknown parameter" in found["limit"][0]


@pytest.mark.parametrize(
    "path", ["/api/v1/", "/api/v1/nothing/", "/api/v1/cases/not a slug/", "/api/v1/cases"]
)
def test_unknown_api_paths_are_json_404s(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_the_api_is_read_only(client, casefile):
    response = client.post("/api/v1/cases/", {}, content_type="application/json")
    assert response.status_code == 405
    assert "detail" in response.json()
