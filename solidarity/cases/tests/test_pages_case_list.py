"""The public case list: headline, cards, filters, and clear 400s for filters that make no sense."""

from datetime import date

import pytest
from django.test import Client
from django.utils import translation

from solidarity.cases.tests.factories import (
    make_episode,
    make_membership,
    make_organisation,
    make_person,
    restricted,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    detained = make_person(slug="detained", name_en="Maria Kalesnikava", country="BY")
    make_episode(detained, date(2020, 9, 7))
    released = make_person(slug="released", name_en="Nasta Loika", country="BY")
    make_episode(released, date(2021, 1, 1), date(2021, 2, 1))
    free = make_person(slug="free", name_en="Oleg Orlov", country="RU", other_names="Олег Орлов")
    viasna = make_organisation(slug="viasna", name_en="Viasna")
    make_membership(detained, viasna, role_en="Volunteer")
    return {"detained": detained, "released": released, "free": free}


def names_in(response) -> set[str]:
    html = response.content.decode()
    return {n for n in ("Maria Kalesnikava", "Nasta Loika", "Oleg Orlov") if n in html}


def test_lists_every_public_case_with_status_and_counter(client, people):
    response = client.get("/en/cases/")
    html = response.content.decode()
    assert response.status_code == 200
    assert names_in(response) == {"Maria Kalesnikava", "Nasta Loika", "Oleg Orlov"}
    assert "<strong>1</strong> person detained today" in html
    assert "Detained for " in html
    assert "In detention for 0 years, 1 month, 0 days in total" in html
    assert 'href="/en/cases/detained/"' in html


def test_headline_uses_the_plural_form(client, people):
    make_episode(people["free"], date(2024, 3, 26))
    assert "<strong>2</strong> people detained today" in client.get("/en/cases/").content.decode()


def test_headline_in_russian_uses_the_russian_plural(client, people):
    for number in range(3):
        make_episode(make_person(), date(2024, 1, number + 1))
    with translation.override("ru"):
        html = client.get("/ru/cases/").content.decode()
    # 4 takes the "few" form in Russian: "4 человека", not "4 человек".
    assert "<strong>4</strong> человека" in html


def test_restricted_case_is_not_listed_for_anonymous_visitors(organiser_client, people):
    make_person(**restricted(slug="hidden", name_en="Hidden Person"))
    assert "Hidden Person" not in Client().get("/en/cases/").content.decode()
    assert "Hidden Person" in organiser_client.get("/en/cases/").content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=detained", {"Maria Kalesnikava"}),
        ("status=released", {"Nasta Loika"}),
        ("status=not_detained", {"Oleg Orlov"}),
        ("country=RU", {"Oleg Orlov"}),
        ("country=by", {"Maria Kalesnikava", "Nasta Loika"}),
        ("country=FR", set()),
        ("organisation=viasna", {"Maria Kalesnikava"}),
        ("q=loika", {"Nasta Loika"}),
        ("q=Орлов", {"Oleg Orlov"}),
        ("country=BY&status=released", {"Nasta Loika"}),
    ],
)
def test_filters_narrow_the_list(client, people, query, expected):
    response = client.get(f"/en/cases/?{query}")
    assert response.status_code == 200
    assert names_in(response) == expected


def test_filter_form_offers_countries_and_organisations_present(client, people):
    html = client.get("/en/cases/").content.decode()
    assert '<option value="BY">Belarus</option>' in html
    assert '<option value="RU">Russia</option>' in html
    assert 'value="FR"' not in html
    assert '<option value="viasna">Viasna</option>' in html
    assert '<label for="id_status">Status</label>' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("status=jailed", "“jailed” is not a status we know."),
        ("country=Belarus", "Choose a country by its two-letter code, such as BY."),
        ("country=B1", "Choose a country by its two-letter code, such as BY."),
        ("organisation=nobody", "“nobody” is not an organisation on record."),
        ("q=" + "x" * 101, "Ensure this value has at most 100 characters"),
    ],
)
def test_bad_filter_values_get_400_and_say_why(client, people, query, message):
    response = client.get(f"/en/cases/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'role="alert"' in html
    assert "Maria Kalesnikava" not in html


def test_restricted_organisation_is_unknown_to_anonymous_visitors(client, people):
    secret = make_organisation(**restricted(slug="secret-cell", name_en="Secret cell"))
    make_membership(people["free"], secret)
    assert client.get("/en/cases/?organisation=secret-cell").status_code == 400
    assert "Secret cell" not in client.get("/en/cases/").content.decode()


@pytest.mark.parametrize("page", ["x", "0", "99", "1e3", "-1"])
def test_bad_page_number_is_404_not_500(client, people, page):
    assert client.get(f"/en/cases/?page={page}").status_code == 404


def test_pagination_keeps_the_filters(client):
    for number in range(30):
        make_episode(make_person(name_en=f"Prisoner {number:02d}"), date(2024, 1, 1))
    html = client.get("/en/cases/?status=detained").content.decode()
    assert "Page 1 of 2" in html
    assert 'href="?status=detained&amp;page=2"' in html
    second = client.get("/en/cases/?status=detained&page=2").content.decode()
    assert "Prisoner 29" in second
    assert "Prisoner 00" not in second
