"""Organisers write publications in the admin: bodies are sanitised, language versions link to
each other, and a new translation starts pre-filled in the same translation group."""

import re

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from solidarity.cases.models import Person
from solidarity.core.tests.admin_helpers import (
    form_fields,
    organiser_in_role,
    plain_static,  # noqa: F401  (fixture)
)
from solidarity.publications.models import Publication, Tag

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("plain_static")]

ADD = "/en/admin/publications/publication/add/"


@pytest.fixture
def editor(django_user_model):
    return organiser_in_role(django_user_model, "editor")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def story():
    person = Person.objects.create(slug="ales", name_en="Ales Bialiatski")
    tag = Tag.objects.create(slug="nobel", name="Nobel")
    english = Publication.objects.create(
        kind="statement", language="en", slug="free-ales", title="Free Ales", countries=["BY"]
    )
    english.related_cases.add(person)
    english.tags.add(tag)
    belarusian = Publication.objects.create(
        kind="statement",
        language="be",
        slug="volia-alesiu",
        title="Волю Алесю",
        translation_group=english.translation_group,
    )
    return english, belarusian


def test_a_script_in_the_body_is_removed_when_saved_through_the_admin(editor_client, editor):
    data = form_fields(editor_client.get(ADD).content, "publication_form")
    data.update(
        {
            "kind": ["news"],
            "language": ["en"],
            "title": ["Verdict"],
            "slug": ["verdict"],
            "body": ['<p onclick="steal()">Ten years.</p><script>steal()</script>'],
            "published_at_0": ["2023-03-03"],
            "published_at_1": ["12:00:00"],
        }
    )

    response = editor_client.post(ADD, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    publication = Publication.objects.get(slug="verdict")
    assert publication.body == "<p>Ten years.</p>"
    assert publication.history.get().history_user == editor


def test_media_contacts_are_edited_inline(editor_client):
    data = form_fields(editor_client.get(ADD).content, "publication_form")
    data.update(
        {
            "kind": ["press_release"],
            "language": ["ru"],
            "title": ["Пресс-релиз"],
            "slug": ["press-reliz"],
            "media_contacts-TOTAL_FORMS": ["1"],
            "media_contacts-0-name": ["Press desk"],
            "media_contacts-0-email": ["press@example.org"],
        }
    )

    assert editor_client.post(ADD, data).status_code == 302
    contact = Publication.objects.get(slug="press-reliz").media_contacts.get()
    assert (contact.name, contact.email) == ("Press desk", "press@example.org")


def test_changelist_links_other_language_versions_and_offers_missing_ones(editor_client, story):
    english, belarusian = story
    page = editor_client.get(reverse("admin:publications_publication_changelist")).content

    versions = _versions_by_title(page)

    assert versions["Free Ales"]["BE"] == _change_url(belarusian)
    assert versions["Волю Алесю"]["EN"] == _change_url(english)
    assert set(versions["Free Ales"]) == {"BE", "+ ru"}
    assert "translation_group=" in versions["Free Ales"]["+ ru"]


def test_a_translation_starts_prefilled_in_the_same_group(editor_client, story):
    english, _belarusian = story
    change_page = editor_client.get(_change_url(english)).content
    add_link = _versions_on_change_page(change_page)["+ ru"]
    add_page = editor_client.get(add_link)
    data = form_fields(add_page.content, "publication_form")
    assert data["translation_group"] == [str(english.translation_group)]
    assert data["language"] == ["ru"]
    assert data["kind"] == ["statement"]
    assert data["related_cases"] == [str(english.related_cases.get().pk)]
    assert data["tags"] == [str(english.tags.get().pk)]
    assert data["countries"] == ["BY"]

    data.update({"title": ["Свободу Алесю"], "slug": ["svobodu-alesiu"]})
    assert editor_client.post(add_link, data).status_code == 302
    russian = Publication.objects.get(language="ru")
    assert russian.translation_group == english.translation_group
    assert Publication.objects.filter(translation_group=english.translation_group).count() == 3


def test_a_second_version_in_the_same_language_is_a_form_error(editor_client, story):
    english, _belarusian = story
    data = form_fields(editor_client.get(ADD).content, "publication_form")
    data.update(
        {
            "kind": ["statement"],
            "language": ["be"],
            "title": ["Яшчэ адна"],
            "slug": ["yashche-adna"],
            "translation_group": [str(english.translation_group)],
        }
    )

    response = editor_client.post(ADD, data)

    assert response.status_code == 200
    assert "language" in response.context["adminform"].form.errors
    assert not Publication.objects.filter(slug="yashche-adna").exists()


def test_related_cases_and_tags_use_the_two_pane_selector(editor_client):
    page = editor_client.get(ADD).content.decode()
    for name in ("related_cases", "tags"):
        assert re.search(rf'<select name="{name}"[^>]*class="[^"]*selectfilter', page), name


def test_list_filters_by_kind_language_and_status(editor_client, story):
    english, belarusian = story
    belarusian.status = Publication.Status.PUBLISHED
    belarusian.save()
    changelist = reverse("admin:publications_publication_changelist")

    def listed(**filters):
        response = editor_client.get(changelist, filters)
        assert response.status_code == 200
        return {p.pk for p in response.context["cl"].result_list}

    assert listed(language__exact="be") == {belarusian.pk}
    assert listed(status__exact="draft") == {english.pk}
    assert listed(kind__exact="statement") == {english.pk, belarusian.pk}
    assert listed(kind__exact="news") == set()


def _change_url(publication: Publication) -> str:
    return reverse("admin:publications_publication_change", args=[publication.pk])


def _links(cell) -> dict[str, str]:
    return {a.text_content(): a.get("href") for a in cell.iter("a")}


def _versions_by_title(page: bytes) -> dict[str, dict[str, str]]:
    """Each changelist row's title, with the links in its "other languages" column."""
    rows = lxml_html.fromstring(page.decode()).xpath('//table[@id="result_list"]/tbody/tr')
    return {
        _by_class(row, "field-title").text_content(): _links(_by_class(row, "field-versions"))
        for row in rows
    }


def _versions_on_change_page(page: bytes) -> dict[str, str]:
    field = _by_class(lxml_html.fromstring(page.decode()), "field-versions")
    return _links(_by_class(field, "readonly"))


def _by_class(element, css_class: str):
    return element.xpath(f'.//*[contains(concat(" ", @class, " "), " {css_class} ")]')[0]
