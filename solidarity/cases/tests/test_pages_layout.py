"""Every public page: its language, the language switcher, the demo banner, nothing third-party."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from solidarity.cases.models import Person
from solidarity.cases.tests.factories import make_episode, make_full_case, make_publication

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "be", "ru")
OWN_NAMES = {"en": "English", "be": "Беларуская", "ru": "Русский"}


@pytest.fixture
def site():
    person = make_full_case()
    publication = make_publication(slug="sentenced", title="Sentenced")
    publication.related_cases.add(person)
    return person


def pages(language):
    return [
        f"/{language}/cases/",
        f"/{language}/cases/ales-bialiatski/",
        f"/{language}/publications/",
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_declares_its_language_and_offers_the_others(client, site, language):
    for url in pages(language):
        html = client.get(url).content.decode()
        assert f'<html lang="{language}">' in html, url
        switcher = html[html.index('class="language-switcher"') :]
        switcher = switcher[: switcher.index("</nav>")]
        for code, name in OWN_NAMES.items():
            if code == language:
                assert f'<span lang="{code}" aria-current="true">{name}</span>' in switcher
            else:
                twin = url.replace(f"/{language}/", f"/{code}/", 1)
                assert f'<a href="{twin}" hreflang="{code}" lang="{code}"' in switcher, url


def test_switcher_keeps_the_filters(client, site):
    html = client.get("/en/cases/?status=detained").content.decode()
    assert 'href="/be/cases/?status=detained"' in html


def test_switcher_follows_through_to_the_page_in_that_language(client, site):
    html = client.get("/en/cases/ales-bialiatski/").content.decode()
    target = re.search(r'<a href="([^"]+)" hreflang="ru"', html).group(1)
    response = client.get(target)
    assert response.status_code == 200
    assert "Алесь Беляцкий" in response.content.decode()


@pytest.mark.parametrize("url", ["/en/cases/", "/en/cases/ales-bialiatski/", "/en/publications/"])
def test_pages_load_nothing_from_other_hosts(client, site, url):
    response = client.get(url)
    html = response.content.decode()
    loaded = re.findall(r'<(?:script|img|link|iframe|source)\b[^>]*?(?:src|href)="([^"]*)"', html)
    assert loaded, "the stylesheet at least should be found"
    assert all(u.startswith("/") and not u.startswith("//") for u in loaded), loaded
    assert "style=" not in html  # the CSP forbids inline styles
    assert "<script" not in html
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_pages_are_accessible_landmarks_first(client, site):
    html = client.get("/en/cases/ales-bialiatski/").content.decode()
    assert html.index('class="skip-link" href="#main"') < html.index("<header")
    assert '<main id="main"' in html
    assert '<nav class="site-nav" aria-label="Main">' in html
    assert 'href="/en/cases/" aria-current="page">Cases</a>' in html
    assert html.count("<h1") == 1


def test_stylesheet_serves_our_own_font():
    css = Path(finders.find("css/site.css")).read_text()
    assert finders.find("fonts/SourceSansPro-Regular.ttf")
    assert finders.find("fonts/SourceSansPro-Bold.ttf")
    assert 'url("../fonts/SourceSansPro-Regular.ttf")' in css
    assert 'url("../fonts/SourceSansPro-Bold.ttf")' in css
    assert "http" not in css


@pytest.mark.django_db(transaction=True)  # the cache turns over when a write commits
def test_demo_banner_shows_only_with_demonstration_data(client, site):
    assert "Demonstration data" not in client.get("/en/cases/ales-bialiatski/").content.decode()
    Person.objects.filter(pk=site.pk).update(is_demo=True)
    make_episode(site, date(2000, 1, 1), date(2000, 2, 1))  # a write, so the cache turns over
    for url in ("/en/cases/ales-bialiatski/", "/en/cases/"):
        assert "Demonstration data" in client.get(url).content.decode(), url


def test_unknown_address_gets_a_page_in_the_site_layout(client, settings):
    settings.DEBUG = False
    response = client.get("/be/cases/nobody-here/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="be">' in html
    assert 'class="language-switcher"' in html
    assert 'href="/en/cases/nobody-here/" hreflang="en"' in html
