"""The public case page: counter, timeline, memberships, publications, and what stays hidden."""

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.test import Client

from solidarity.cases.tests.factories import (
    make_decision,
    make_episode,
    make_full_case,
    make_person,
    make_place,
    make_publication,
    make_sentence,
    restricted,
)

pytestmark = pytest.mark.django_db

# 2026-03-01 noon in Minsk: 14 Jul 2021 is 4 years, 7 months, 15 days before.
TODAY = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def page(client, slug="ales-bialiatski", language="en"):
    return client.get(f"/{language}/cases/{slug}/")


@time_machine.travel(TODAY, tick=False)
def test_counter_shows_current_episode_and_total(client):
    make_full_case()
    html = page(client).content.decode()
    current_days = (date(2026, 3, 1) - date(2021, 7, 14)).days
    assert f'id="counter" data-days="{current_days}"' in html
    assert "Detained for 4 years, 7 months, 15 days" in html
    # 1052 days in 2011-2014 plus the current 1691 = 2743, from 4 Aug 2011 to 6 Feb 2019.
    assert "In total, detained for 7 years, 6 months, 2 days over 2 detentions." in html


@time_machine.travel(TODAY, tick=False)
def test_released_person_shows_the_total_only(client):
    person = make_person(slug="freed")
    make_episode(person, date(2011, 8, 4), date(2014, 6, 21))
    html = page(client, "freed").content.decode()
    assert 'id="counter" data-days="1052"' in html
    assert "Spent 2 years, 10 months, 17 days in detention in total" in html
    assert "Detained for" not in html


@time_machine.travel(TODAY, tick=False)
def test_counter_in_belarusian_uses_its_plural_forms(client):
    make_full_case()
    html = page(client, language="be").content.decode()
    assert "Алесь Бяляцкі" in html
    # 4 years / 7 months / 15 days: "гады", "месяцаў", "дзён" in Belarusian.
    assert "4 гады, 7 месяцаў, 15 дзён" in html


def test_timeline_is_in_date_order_with_every_kind_of_event(client):
    person = make_full_case()
    make_decision(
        person,
        kind="statement",
        body_type="un_special_rapporteur",
        body_en="UN Special Rapporteur on Belarus",
        reference="",
        document_symbol="",
        adopted_on=None,
        published_on=date(2013, 8, 2),
        quotation_en="Release him now.",
    )
    html = page(client).content.decode()
    timeline = html[html.index('id="timeline"') :]
    dates = re.findall(r'class="event-date" datetime="([\d-]+)"', timeline)
    assert dates == sorted(dates)
    assert dates[0] == "2011-08-04"
    assert dates[-1] == "2021-07-14"
    for text in (
        "Arrested",
        "article 243, part 2 (tax evasion)",
        "First instance: Pervomaisky District Court of Minsk",
        "Appeal: Pervomaisky District Court of Minsk",
        "Outcome: Appeal rejected",
        "Sentenced to 4 years, 6 months",
        "Confiscation of property",
        "Held at Penal colony No. 2, Babruisk",
        "Penal colony No. 2\n213800 Babruisk",
        "Amnesty",
        "Opinion No. 39/2012",
        "A/HRC/WGAD/2012/39",
        "Detention arbitrary",
        "Release him now.",
        "Health worsens",
    ):
        assert text in timeline, text


@pytest.mark.parametrize(
    ("term", "words"),
    [("P10Y", "10 years"), ("P1Y1M", "1 year, 1 month"), ("P15D", "15 days"), ("P2W", "2 weeks")],
)
def test_sentence_term_reads_in_words(client, term, words):
    person = make_person(slug="sentenced")
    make_sentence(make_episode(person, date(2022, 1, 1)), term=term)
    assert f"Sentenced to {words}</h3>" in page(client, "sentenced").content.decode()


def test_memberships_and_related_publications(client):
    person = make_full_case()
    english = make_publication(title="Sentenced again", language="en")
    russian = make_publication(
        title="Снова осуждён", language="ru", published_at=datetime(2030, 1, 1, tzinfo=UTC)
    )
    draft = make_publication(title="Draft piece", status="draft")
    newer_russian = make_publication(title="Новости", language="ru")
    for publication in (english, russian, draft, newer_russian):
        publication.related_cases.add(person)
    html = page(client).content.decode()
    assert "Chair, Human Rights Centre “Viasna” — since April 26, 1996" in html
    assert "Draft piece" not in html
    assert "Снова осуждён" not in html  # scheduled for later
    assert html.index("Sentenced again") < html.index("Новости")
    assert 'hreflang="ru">Новости</a>' in html
    ru_html = page(client, language="ru").content.decode()
    assert ru_html.index("Новости") < ru_html.index("Sentenced again")


def test_unknown_case_is_404(client):
    assert page(client, "nobody").status_code == 404


def test_restricted_case_is_404_for_anonymous_and_shown_to_organisers(organiser_client):
    make_person(**restricted(slug="hidden", name_en="Hidden Person"))
    assert page(Client(), "hidden").status_code == 404
    response = page(organiser_client, "hidden")
    assert response.status_code == 200
    assert "Hidden Person" in response.content.decode()


def test_restricted_fields_and_episodes_are_absent_for_anonymous(organiser_client):
    person = make_full_case(
        restricted_fields=["birth_date", "biography"], biography_en="Secret biography text"
    )
    hidden_episode = make_episode(
        person, date(2005, 3, 3), date(2005, 3, 20), **restricted(arrest_place="Secret place")
    )
    make_place(
        person.episodes.get(arrest_date=date(2021, 7, 14)),
        name="Pre-trial prison No. 1",
        postal_address="Secret postal address 22",
        restricted_fields=["postal_address"],
    )
    secrets = ("1962", "Secret biography text", "2005-03-03", "Secret postal address 22")

    anonymous = page(Client()).content.decode()
    for secret in secrets:
        assert secret not in anonymous, secret
    assert "Pre-trial prison No. 1" in anonymous
    assert "Biography" not in anonymous  # an empty section is left out, heading and all

    organiser = page(organiser_client).content.decode()
    for secret in secrets:
        assert secret in organiser, secret
    assert hidden_episode.arrest_place in organiser


def test_case_page_needs_few_queries_and_none_once_cached(client, django_assert_max_num_queries):
    make_full_case()
    with django_assert_max_num_queries(16):
        assert page(client).status_code == 200
    with django_assert_max_num_queries(0):
        assert page(client).status_code == 200
