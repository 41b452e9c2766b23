"""Organisers edit cases in the admin: every page renders, real form posts save, history names
the editor, and bad input comes back as a form error, never a server error."""

import re
from datetime import date

import pytest
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.urls import reverse

from solidarity.cases.models import DetentionEpisode, Membership, Organisation, Person
from solidarity.core.tests.admin_helpers import (
    form_fields,
    make_full_case,
    organiser_in_role,
    plain_static,  # noqa: F401  (fixture)
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("plain_static")]

ADD_PERSON = "/en/admin/cases/person/add/"


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(organiser_in_role(django_user_model, "admin"))
    return client


@pytest.fixture
def editor(django_user_model):
    return organiser_in_role(django_user_model, "editor")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def registered_models():
    return [
        model
        for model in admin.site._registry
        if model._meta.app_label in {"cases", "publications"}
    ]


def test_every_admin_page_of_every_model_renders_for_an_admin(admin_client):
    make_full_case()
    models = registered_models()
    assert {m._meta.model_name for m in models} >= {
        "person",
        "detentionepisode",
        "organisation",
        "decision",
        "caseupdate",
        "publication",
        "tag",
    }
    for model in models:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        obj = model.objects.get()
        urls = [
            reverse(f"{name}_changelist"),
            reverse(f"{name}_add"),
            reverse(f"{name}_change", args=[obj.pk]),
            reverse(f"{name}_history", args=[obj.pk]),
        ]
        if hasattr(model, "history"):
            version = model.history.filter(id=obj.pk).latest("history_date")
            urls.append(reverse(f"{name}_simple_history", args=[obj.pk, version.history_id]))
        for url in urls:
            response = admin_client.get(url)
            assert response.status_code == 200, url


def test_editor_adds_a_person_with_inlines_and_history_names_the_editor(editor_client, editor):
    viasna = Organisation.objects.create(slug="viasna", name_en="Viasna")
    data = form_fields(editor_client.get(ADD_PERSON).content, "person_form")
    assert data["episodes-TOTAL_FORMS"] == ["0"]
    data.update(
        {
            "name_en": ["Maria Kalesnikava"],
            "name_be": ["Марыя Калеснікава"],
            "slug": ["maria-kalesnikava"],
            "country": ["BY"],
            "time_zone": ["Europe/Minsk"],
            "restricted_fields": ["birth_date"],
            "episodes-TOTAL_FORMS": ["1"],
            "episodes-0-arrest_date": ["2020-09-07"],
            "episodes-0-confidentiality": ["public"],
            "memberships-TOTAL_FORMS": ["1"],
            "memberships-0-organisation": [str(viasna.pk)],
            "memberships-0-role_en": ["member"],
            "memberships-0-confidentiality": ["public"],
        }
    )

    response = editor_client.post(ADD_PERSON, data)

    assert response.status_code == 302, _errors(response)
    person = Person.objects.get(slug="maria-kalesnikava")
    assert person.name_be == "Марыя Калеснікава"
    assert person.restricted_fields == ["birth_date"]
    assert person.history.get().history_user == editor
    episode = DetentionEpisode.objects.get(person=person)
    assert episode.arrest_date == date(2020, 9, 7)
    assert episode.history.get().history_user == editor
    assert Membership.objects.get(person=person).history.get().history_user == editor


def test_editor_changes_a_person_and_the_changelist_shows_who(editor_client, editor):
    person = make_full_case()
    change_url = reverse("admin:cases_person_change", args=[person.pk])
    data = form_fields(editor_client.get(change_url).content, "person_form")
    data["name_ru"] = ["Алесь Беляцкий"]

    response = editor_client.post(change_url, data)

    assert response.status_code == 302, _errors(response)
    person.refresh_from_db()
    assert (person.name_ru, person.name_be) == ("Алесь Беляцкий", "Алесь Бяляцкі")
    latest = person.history.latest("history_date")
    assert (latest.history_type, latest.history_user) == ("~", editor)
    changelist = editor_client.get(reverse("admin:cases_person_changelist")).content.decode()
    assert re.search(r'class="field-last_changed_by">editor-organiser<', changelist)


def test_restricted_fields_are_checkboxes_of_the_restrictable_fields(editor_client):
    page = editor_client.get(ADD_PERSON).content.decode()
    offered = re.findall(r'type="checkbox" name="restricted_fields" value="([a-z_]+)"', page)
    assert offered == list(Person.RESTRICTABLE_FIELDS)
    assert "Date of birth" in page


def test_an_unknown_restricted_field_is_a_form_error_and_nothing_is_saved(editor_client):
    person = make_full_case()
    change_url = reverse("admin:cases_person_change", args=[person.pk])
    data = form_fields(editor_client.get(change_url).content, "person_form")
    data["restricted_fields"] = ["name"]
    data["name_en"] = ["Renamed"]

    response = editor_client.post(change_url, data)

    assert response.status_code == 200
    assert "restricted_fields" in response.context["adminform"].form.errors
    person.refresh_from_db()
    assert (person.name_en, person.restricted_fields) == ("Ales Bialiatski", [])
    assert person.history.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("birth_date", "not a date"),
        ("time_zone", "Mars/Olympus_Mons"),
        ("identifiers", "{not json"),
        ("identifiers", '{"wikidata": 42}'),
        ("name_en", ""),
    ],
)
def test_bad_input_is_a_form_error_not_a_server_error(editor_client, field, value):
    data = form_fields(editor_client.get(ADD_PERSON).content, "person_form")
    data.update({"name_en": ["Someone"], "slug": ["someone"], field: [value]})

    response = editor_client.post(ADD_PERSON, data)

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Person.objects.exists()


def test_a_tampered_inline_management_form_is_an_error_not_a_server_error(editor_client):
    data = form_fields(editor_client.get(ADD_PERSON).content, "person_form")
    data.update({"name_en": ["Someone"], "slug": ["someone"]})
    del data["episodes-TOTAL_FORMS"]

    response = editor_client.post(ADD_PERSON, data)

    assert response.status_code == 200
    assert "ManagementForm data is missing" in response.content.decode()
    assert not Person.objects.exists()


def test_an_invalid_inline_row_is_an_error_and_nothing_is_saved(editor_client):
    data = form_fields(editor_client.get(ADD_PERSON).content, "person_form")
    data.update(
        {
            "name_en": ["Someone"],
            "slug": ["someone"],
            "episodes-TOTAL_FORMS": ["1"],
            "episodes-0-arrest_date": ["2021-07-14"],
            "episodes-0-release_date": ["2020-01-01"],
            "episodes-0-release_mode": ["amnesty"],
            "episodes-0-confidentiality": ["public"],
        }
    )

    response = editor_client.post(ADD_PERSON, data)

    assert response.status_code == 200
    assert "The end of a period cannot precede its start." in response.content.decode()
    assert not Person.objects.exists()


def test_status_filter_uses_the_derived_status(admin_client):
    detained = make_full_case()
    never = Person.objects.create(slug="never", name_en="Never Detained")
    released = Person.objects.create(slug="released", name_en="Once Released")
    DetentionEpisode.objects.create(
        person=released,
        arrest_date=date(2011, 8, 4),
        release_date=date(2014, 6, 21),
        release_mode="amnesty",
    )
    changelist = reverse("admin:cases_person_changelist")

    def listed(status):
        response = admin_client.get(changelist, {"status": status})
        return {p.slug for p in response.context["cl"].result_list}

    assert listed("detained") == {detained.slug}
    assert listed("released") == {released.slug}
    assert listed("not_detained") == {never.slug}
    page = admin_client.get(changelist).content.decode()
    assert re.search(r'class="field-status">Detained<', page)
    assert re.search(r'class="field-status">No detention on record<', page)


def test_search_finds_people_by_any_spelling(admin_client):
    make_full_case()
    Person.objects.create(slug="other", name_en="Someone Else", other_names="Bialatski")
    changelist = reverse("admin:cases_person_changelist")

    def found(query):
        response = admin_client.get(changelist, {"q": query})
        return {p.slug for p in response.context["cl"].result_list}

    assert found("Бяляцкі") == {"ales-bialiatski"}
    assert found("Bialatski") == {"other"}


def test_person_page_links_each_episode_to_its_own_page(admin_client):
    person = make_full_case()
    episode = person.episodes.get()
    page = admin_client.get(reverse("admin:cases_person_change", args=[person.pk]))
    assert (
        reverse("admin:cases_detentionepisode_change", args=[episode.pk]) in page.content.decode()
    )


def test_episode_page_edits_charges_proceedings_sentences_and_places(editor_client, editor):
    episode = make_full_case().episodes.get()
    url = reverse("admin:cases_detentionepisode_change", args=[episode.pk])
    data = form_fields(editor_client.get(url).content, "detentionepisode_form")
    for prefix in ("charges", "proceedings", "sentences", "places"):
        assert data[f"{prefix}-TOTAL_FORMS"] == ["1"]
    data["places-0-postal_address"] = ["Box 9, Horki"]
    data["places-0-restricted_fields"] = ["postal_address"]
    data["charges-0-label_en"] = ["mass riots"]

    response = editor_client.post(url, data)

    assert response.status_code == 302, _errors(response)
    place = episode.places.get()
    assert (place.postal_address, place.restricted_fields) == ("Box 9, Horki", ["postal_address"])
    assert place.history.latest("history_date").history_user == editor
    assert episode.charges.get().label_en == "mass riots"


def test_admin_pages_load_no_third_party_script(admin_client):
    page = admin_client.get(ADD_PERSON).content.decode()
    sources = re.findall(r'<script[^>]*\ssrc="([^"]+)"', page)
    assert "/static/solidarity/admin/tabs.js" in sources
    assert all(src.startswith("/") and not src.startswith("//") for src in sources), sources
    assert finders.find("solidarity/admin/tabs.js")


def _errors(response) -> str:
    """The form errors of an admin page that should have redirected, for a readable failure."""
    if response.context is None or "adminform" not in response.context:
        return f"status {response.status_code}"
    inline_errors = [f.errors for f in response.context["inline_admin_formsets"]]
    return f"{response.context['adminform'].form.errors} {inline_errors}"
