"""The case endpoints: filters, the whole story of one case, and its counter."""

import time_machine

from solidarity.cases.models import Person


def results(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def test_case_list_shows_public_cases_with_names_in_every_language(client, casefile):
    body = client.get("/api/v1/cases/").json()
    assert body["count"] == 1
    (ales,) = body["results"]
    assert ales["name"] == {"en": "Ales Bialiatski", "be": "Алесь Бяляцкі", "ru": "Алесь Беляцкий"}
    assert ales["status"] == "detained"
    assert ales["url"] == "http://testserver/api/v1/cases/ales-bialiatski/"
    assert ales["pages"]["be"] == "http://testserver/be/cases/ales-bialiatski/"


def test_case_list_filters(client, casefile):
    Person.objects.create(slug="hanna", name_en="Hanna", country="LT")
    assert results(client.get("/api/v1/cases/?country=by")) == ["ales-bialiatski"]
    assert results(client.get("/api/v1/cases/?country=LT")) == ["hanna"]
    assert results(client.get("/api/v1/cases/?status=detained")) == ["ales-bialiatski"]
    assert results(client.get("/api/v1/cases/?status=not_detained")) == ["hanna"]
    assert results(client.get("/api/v1/cases/?status=released")) == []
    assert results(client.get("/api/v1/cases/?organisation=viasna")) == ["ales-bialiatski"]
    assert results(client.get("/api/v1/cases/?q=Беляцкий")) == ["ales-bialiatski"]
    assert results(client.get("/api/v1/cases/?q=Bialacki")) == ["ales-bialiatski"]
    assert results(client.get("/api/v1/cases/?q=nobody")) == []
    assert results(client.get("/api/v1/cases/?status=")) == ["ales-bialiatski", "hanna"]


def test_case_list_pages_with_limit_and_offset(client, casefile):
    for number in range(3):
        Person.objects.create(slug=f"person-{number}", name_en=f"Person {number}")
    first = client.get("/api/v1/cases/?limit=2").json()
    assert first["count"] == 4
    assert [item["slug"] for item in first["results"]] == ["ales-bialiatski", "person-0"]
    second = client.get(first["next"]).json()
    assert [item["slug"] for item in second["results"]] == ["person-1", "person-2"]
    assert second["next"] is None
    assert results(client.get("/api/v1/cases/?offset=999")) == []


@time_machine.travel("2024-08-04 12:00 +03:00", tick=False)
def test_case_detail_gives_the_whole_public_story(client, casefile):
    body = client.get("/api/v1/cases/ales-bialiatski/").json()
    assert body["status"] == "detained"
    # 14 Jul 2021 to 4 Aug 2024 in Minsk; the amnesty period adds 2 years 10 months 17 days.
    assert body["counter"]["as_of"] == "2024-08-04"
    assert body["counter"]["current"] == {
        "years": 3,
        "months": 0,
        "days": 21,
        "total_days": 1117,
    }
    assert body["counter"]["total"]["total_days"] == 1117 + 1052
    assert [e["arrest_date"] for e in body["episodes"]] == ["2011-08-04", "2021-07-14"]
    first = body["episodes"][0]
    assert first["release_mode"] == "amnesty"
    assert first["charges"][0]["article"] == "243"
    assert first["charges"][0]["label"]["en"] == "Tax evasion"
    assert first["sentences"][0]["term"] == "P4Y6M"
    assert first["sentences"][0]["confiscation"] is True
    assert first["places"][0]["name"] == "Penal colony No. 2, Babruysk"
    assert first["proceedings"][0]["stage"] == "first_instance"
    assert body["memberships"][0]["organisation"]["slug"] == "viasna"
    assert body["memberships"][0]["role"]["en"] == "Chair"
    assert body["decisions"][0]["reference"] == "Opinion No. 39/2012"
    assert body["decisions"][0]["finding"] == "arbitrary"
    assert body["updates"][0]["title"]["be"] == "Паведамленне пра здароўе"
    assert body["sources"] == ["https://example.org/public-source"]


def test_unknown_and_restricted_cases_are_json_404s(client, casefile):
    for path in ["/api/v1/cases/nobody/", "/api/v1/cases/secret-person/"]:
        response = client.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Not found."}


def test_organisations_list_only_public_organisations(client, casefile):
    body = client.get("/api/v1/organisations/").json()
    assert [item["slug"] for item in body["results"]] == ["viasna"]
    assert body["results"][0]["name"]["ru"] == "Правозащитный центр «Весна»"
