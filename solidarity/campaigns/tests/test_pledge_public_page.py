"""The public campaign page: cases, message, moment, counts and reach, and only the names of
supporters who chose to be listed."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from solidarity.campaigns import actions
from solidarity.campaigns.models import Campaign, Network, Pledge
from solidarity.campaigns.tests.helpers import FREE_ALES, ales, solidarity_day
from solidarity.cases.models import Person

RU_TEXT = "#Беларусь: Алесь Беляцкий в заключении #FreeAles"


def supporter(campaign, **fields):
    fields = {"network": Network.REMINDER, "language": "en", "email": "x@example.org"} | fields
    return actions.do_pledge(campaign, **fields)[0]


@pytest.mark.django_db
def test_only_supporters_who_opted_in_are_named_and_everyone_is_counted(client):
    campaign = solidarity_day(slug="names", goal=10)
    supporter(campaign, kind="organisation", display_name="Viasna", listed_publicly=True)
    supporter(campaign, kind="organisation", display_name="Quiet NGO", listed_publicly=False)
    supporter(campaign, display_name="Anna Listed", listed_publicly=True)
    supporter(campaign, display_name="Secret Person", listed_publicly=False)
    supporter(campaign, network=Network.MASTODON, followers=120, email="")
    supporter(campaign, network=Network.MASTODON, followers=30, email="")
    gone = supporter(campaign, display_name="Withdrawn Listed", listed_publicly=True)
    Pledge.objects.filter(pk=gone.pk).update(state=Pledge.State.WITHDRAWN)

    page = client.get(campaign.get_absolute_url())
    html = page.content.decode()

    assert page.status_code == 200
    assert "Viasna" in html and "Anna Listed" in html
    assert "Secret Person" not in html
    assert "Quiet NGO" not in html
    assert "Withdrawn Listed" not in html
    assert page.context["support"].count == 6
    assert page.context["support"].reach == 150
    assert "<strong>6</strong> of the 10 supporters needed" in html
    assert "150 followers" in html


@pytest.mark.django_db
def test_the_page_shows_cases_message_moment_and_forms(client):
    moment = datetime(2031, 8, 4, 9, 0, tzinfo=UTC)
    campaign = solidarity_day(slug="page", moment=moment, texts={"en": FREE_ALES, "ru": RU_TEXT})
    hidden = Person.objects.create(
        slug="hidden", name="Hidden Defender", confidentiality="restricted"
    )
    campaign.cases.add(hidden)

    html = client.get(campaign.get_absolute_url()).content.decode()

    assert f'href="{ales().get_absolute_url()}"' in html
    assert "Hidden Defender" not in html
    assert "4 August 2031, 09:00 UTC" in html
    assert "4 August 2031, 12:00 (Europe/Minsk)" in html  # the campaign's own time zone
    assert 'datetime="2031-08-04T09:00:00+00:00"' in html
    assert FREE_ALES in html and RU_TEXT not in html
    assert html.count("csrfmiddlewaretoken") == 2
    assert 'href="?lang=ru"' in html
    assert RU_TEXT in client.get(campaign.get_absolute_url() + "?lang=ru").content.decode()
    assert '<script src="/static/solidarity/local-time.js" defer>' in html
    # Nothing is loaded or linked from elsewhere: every address on the page is our own.
    assert not re.search(r'(src|href|action)="(https?:)?//', html)


@pytest.mark.django_db
def test_the_message_follows_the_page_language_when_it_can(client):
    campaign = solidarity_day(slug="lang", texts={"en": FREE_ALES, "ru": RU_TEXT})
    html = client.get(f"/ru/thunderclaps/{campaign.slug}/").content.decode()
    assert RU_TEXT in html and FREE_ALES not in html


@pytest.mark.django_db
def test_a_draft_is_not_public(client):
    campaign = solidarity_day(slug="draft")
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.DRAFT)
    assert client.get(campaign.get_absolute_url()).status_code == 404
    form_url = reverse("campaigns:pledge_reminder", kwargs={"slug": campaign.slug})
    assert client.post(form_url, {}).status_code == 404


@pytest.mark.django_db
def test_garbage_posted_to_the_forms_is_a_400_with_messages(client):
    campaign = solidarity_day(slug="garbage")
    for name in ("pledge_reminder", "pledge_mastodon"):
        url = reverse(f"campaigns:{name}", kwargs={"slug": campaign.slug})
        answer = client.post(url, {"mastodon-kind": "robot", "reminder-kind": "robot"})
        assert answer.status_code == 400
        assert "This field is required" in answer.content.decode()
    assert not Pledge.objects.exists()


@pytest.mark.django_db
def test_forms_need_csrf(client):
    from django.test import Client

    campaign = solidarity_day(slug="csrf")
    strict = Client(enforce_csrf_checks=True)
    url = reverse("campaigns:pledge_reminder", kwargs={"slug": campaign.slug})
    assert strict.post(url, {"reminder-email": "a@example.org"}).status_code == 403
