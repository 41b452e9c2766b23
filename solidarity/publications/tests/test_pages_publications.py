"""Public publication pages: listing by day per language, detail with translations and contacts."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from solidarity.cases.tests.factories import make_person, make_publication, restricted
from solidarity.publications.models import MediaContact, Tag

pytestmark = pytest.mark.django_db


def on(day: int, hour: int = 12) -> datetime:
    return datetime(2024, 5, day, hour, tzinfo=UTC)


def test_listing_groups_by_day_newest_first_in_the_current_language(client):
    make_publication(title="Morning news", published_at=on(3, 8))
    make_publication(title="Evening statement", kind="statement", published_at=on(3, 20))
    make_publication(title="Older call", kind="call", published_at=on(1))
    make_publication(title="Беларуская навіна", language="be", published_at=on(2))
    html = client.get("/en/publications/").content.decode()
    assert "Беларуская навіна" not in html
    may3, may1 = html.index('datetime="2024-05-03"'), html.index('datetime="2024-05-01"')
    assert may3 < html.index("Evening statement") < html.index("Morning news") < may1
    assert may1 < html.index("Older call")
    assert html.count('<section class="day"') == 2
    assert "Беларуская навіна" in client.get("/be/publications/").content.decode()


def test_listing_filters_by_kind(client):
    make_publication(title="A news item", kind="news")
    make_publication(title="A letter", kind="letter")
    html = client.get("/en/publications/?kind=letter").content.decode()
    assert "A letter" in html
    assert "A news item" not in html


@pytest.mark.parametrize("query", ["kind=rumour", "kind=" + "x" * 300])
def test_unknown_kind_is_400_with_a_message(client, query):
    response = client.get(f"/en/publications/?{query}")
    assert response.status_code == 400
    assert "is not a kind we publish." in response.content.decode()


@pytest.mark.parametrize("page", ["x", "5", "0"])
def test_bad_page_is_404(client, page):
    make_publication()
    assert client.get(f"/en/publications/?page={page}").status_code == 404


def test_drafts_and_future_pieces_are_hidden_from_the_public(client):
    make_publication(slug="draft", title="Draft piece", status="draft")
    make_publication(slug="later", title="Later piece", published_at=timezone.now() + timedelta(1))
    listing = client.get("/en/publications/").content.decode()
    assert "Draft piece" not in listing
    assert "Later piece" not in listing
    assert client.get("/en/publications/draft/").status_code == 404
    assert client.get("/en/publications/later/").status_code == 404


def test_editors_preview_drafts(organiser_client):
    make_publication(slug="draft", title="Draft piece", status="draft")
    response = organiser_client.get("/en/publications/draft/")
    assert response.status_code == 200
    assert "Draft piece" in response.content.decode()


def test_slug_is_looked_up_in_the_current_language(client):
    make_publication(slug="verdict", language="ru", title="Приговор")
    assert client.get("/ru/publications/verdict/").status_code == 200
    assert client.get("/en/publications/verdict/").status_code == 404


@pytest.fixture
def story():
    english = make_publication(
        slug="verdict",
        title="Verdict",
        kind="press_release",
        summary="A short summary.",
        body=(
            "<p>Body with <strong>bold</strong><script>alert(1)</script>"
            '<a href="javascript:x">x</a></p>'
        ),
        countries=["BY", "LT"],
    )
    make_publication(
        slug="pryhavor", language="be", title="Прысуд", translation_group=english.translation_group
    )
    make_publication(
        slug="draft-ru",
        language="ru",
        title="Черновик",
        status="draft",
        translation_group=english.translation_group,
    )
    english.related_cases.add(
        make_person(slug="public-person", name_en="Public Person"),
        make_person(**restricted(slug="hidden-person", name_en="Hidden Person")),
    )
    english.tags.add(Tag.objects.create(slug="nobel", name="Nobel Peace Prize"))
    MediaContact.objects.create(
        publication=english,
        name="Press Officer",
        role="FIDH press desk",
        phone="+33 1 43 55 25 18",
        email="press@example.org",
    )
    return english


def test_detail_shows_the_whole_publication(client, story):
    html = client.get("/en/publications/verdict/").content.decode()
    assert "<h1" in html and "Verdict</h1>" in html
    assert "Press release" in html
    assert "A short summary." in html
    assert "Body with <strong>bold</strong>" in html
    assert "<script" not in html
    assert "javascript:" not in html
    assert "Nobel Peace Prize" in html
    assert "Belarus" in html and "Lithuania" in html
    assert '<a href="tel:+33143552518">+33 1 43 55 25 18</a>' in html
    assert '<a href="mailto:press@example.org">press@example.org</a>' in html
    assert "FIDH press desk" in html


def test_detail_links_only_public_cases_for_anonymous(organiser_client, story):
    anonymous = Client().get("/en/publications/verdict/").content.decode()
    assert '<a href="/en/cases/public-person/">Public Person</a>' in anonymous
    assert "Hidden Person" not in anonymous
    organiser = organiser_client.get("/en/publications/verdict/").content.decode()
    assert "Hidden Person" in organiser


def test_detail_links_its_published_translations(client, story):
    html = client.get("/en/publications/verdict/").content.decode()
    assert '<a href="/be/publications/pryhavor/" hreflang="be" lang="be">Прысуд</a>' in html
    assert '<link rel="alternate" hreflang="be" href="/be/publications/pryhavor/">' in html
    assert "Черновик" not in html
    # No Russian version is published: the switcher leads to the Russian listing instead,
    # and no search engine is told it is a translation.
    assert '<a href="/ru/publications/" hreflang="ru"' in html
    assert 'hreflang="ru" href=' not in html
    back = client.get("/be/publications/pryhavor/").content.decode()
    assert '<a href="/en/publications/verdict/" hreflang="en" lang="en">Verdict</a>' in back
