"""The publication endpoints: only what is published, filtered by language, kind and case."""


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def test_only_published_publications_are_listed_newest_first(client, casefile):
    assert slugs(client.get("/api/v1/publications/")) == ["volia-alesiu", "free-ales"]


def test_publication_filters(client, casefile):
    assert slugs(client.get("/api/v1/publications/?language=en")) == ["free-ales"]
    assert slugs(client.get("/api/v1/publications/?language=ru")) == []
    assert slugs(client.get("/api/v1/publications/?kind=news")) == []
    assert slugs(client.get("/api/v1/publications/?kind=statement&language=be")) == ["volia-alesiu"]
    assert slugs(client.get("/api/v1/publications/?case=ales-bialiatski")) == [
        "volia-alesiu",
        "free-ales",
    ]
    # Filtering by a restricted case finds nothing, exactly as for a case that does not exist.
    assert slugs(client.get("/api/v1/publications/?case=secret-person")) == []
    assert slugs(client.get("/api/v1/publications/?case=nobody")) == []


def test_publication_detail_links_its_translations(client, casefile):
    body = client.get("/api/v1/publications/en/free-ales/").json()
    assert body["title"] == "Free Ales Bialiatski"
    assert body["body"] == "<p>Ales Bialiatski must be <strong>freed</strong>.</p>"
    assert body["page"] == "http://testserver/en/publications/free-ales/"
    assert body["translations"] == [
        {
            "language": "be",
            "slug": "volia-alesiu",
            "url": "http://testserver/api/v1/publications/be/volia-alesiu/",
        }
    ]
    assert body["media_contacts"][0]["email"] == "press@example.org"
    assert body["countries"] == ["BY"]
    assert body["tags"] == [{"slug": "belarus", "name": "Belarus"}]
    assert [case["slug"] for case in body["related_cases"]] == ["ales-bialiatski"]


def test_unpublished_or_misaddressed_publications_are_404(client, casefile):
    for path in [
        "/api/v1/publications/en/draft-news/",
        "/api/v1/publications/en/embargoed-news/",
        "/api/v1/publications/be/free-ales/",
        "/api/v1/publications/xx/free-ales/",
    ]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Not found."}
