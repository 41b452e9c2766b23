"""Search is a channel too: a restricted case is never found by anonymous visitors."""

import pytest

from solidarity.cases.tests.factories import make_episode, make_person, restricted

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_case():
    from datetime import date

    person = make_person(
        **restricted(slug="hidden-one", name_en="Maryna Hiddenova", other_names="Marina Skrytova")
    )
    make_episode(person, date(2022, 3, 1))
    return person


@pytest.mark.parametrize("query", ["Hiddenova", "Skrytova"])
def test_anonymous_search_does_not_find_a_restricted_case(client, hidden_case, query):
    page = client.get(f"/en/cases/?q={query}").content.decode()
    # The query itself is echoed in the form and links; the case must not be.
    assert "Maryna Hiddenova" not in page and "/cases/hidden-one/" not in page
    api = client.get(f"/api/v1/cases/?q={query}").json()
    assert api["count"] == 0 and "hidden-one" not in str(api)


def test_an_organiser_finds_it(organiser_client, hidden_case):
    page = organiser_client.get("/en/cases/?q=Skrytova").content.decode()
    assert "Maryna Hiddenova" in page
