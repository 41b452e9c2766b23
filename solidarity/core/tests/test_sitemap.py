"""The sitemap and robots.txt: public pages in every language, nothing restricted."""

import pytest
from lxml import etree

from solidarity.core.tests.casefile import leaked, make_casefile

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
BASE = "http://testserver"


@pytest.fixture
def casefile(db):
    return make_casefile()


def sitemap(client) -> dict[str, dict[str, str]]:
    """Each listed address, with its alternates by hreflang."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    urls = {}
    for url in root.findall("s:url", NS):
        alternates = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)}
        urls[url.findtext("s:loc", namespaces=NS)] = alternates
    return urls


def test_every_public_case_is_listed_in_every_language_with_alternates(client, casefile):
    urls = sitemap(client)
    expected = {
        "en": f"{BASE}/en/cases/ales-bialiatski/",
        "be": f"{BASE}/be/cases/ales-bialiatski/",
        "ru": f"{BASE}/ru/cases/ales-bialiatski/",
        "x-default": f"{BASE}/cases/ales-bialiatski/",
    }
    for language in ["en", "be", "ru"]:
        assert urls[expected[language]] == expected


def test_the_x_default_address_leads_to_a_case_page(client, casefile):
    response = client.get("/cases/ales-bialiatski/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 302
    assert response["Location"] == "/ru/cases/ales-bialiatski/"


def test_publications_are_listed_in_their_languages_with_their_translations(client, casefile):
    urls = sitemap(client)
    english = f"{BASE}/en/publications/free-ales/"
    belarusian = f"{BASE}/be/publications/volia-alesiu/"
    alternates = {"en": english, "be": belarusian, "x-default": english}
    assert urls[english] == alternates
    assert urls[belarusian] == alternates
    assert not any("/ru/publications/" in address for address in urls)


def test_nothing_restricted_or_unpublished_is_listed(client, casefile):
    text = client.get("/sitemap.xml").content.decode()
    assert leaked(text, casefile) == []
    assert "draft-news" not in text
    assert "embargoed-news" not in text
    assert "ales-bialiatski" in text


def test_robots_txt_points_to_the_sitemap_and_away_from_the_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert f"Sitemap: {BASE}/sitemap.xml" in lines
    assert "Disallow: /be/admin/" in lines
    assert "Disallow: /" not in lines
