"""The moment in calendars: one campaign's .ics, and a feed of every coming moment."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from solidarity.campaigns import actions
from solidarity.campaigns.tests.helpers import FREE_ALES, solidarity_day

pytestmark = pytest.mark.usefixtures("loopback_servers")

LINK = "https://viasna.example/free-ales"


def events(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


@pytest.mark.django_db
def test_a_campaigns_ics_holds_the_moment_an_alarm_and_the_share_link(client):
    campaign = solidarity_day(slug="ics", link=LINK)
    url = reverse("campaigns:ics", kwargs={"slug": campaign.slug})

    [event] = events(client.get(url))

    assert event.decoded("dtstart") == campaign.moment.replace(microsecond=0)
    [alarm] = event.walk("VALARM")
    assert alarm.decoded("trigger") == -timedelta(minutes=10)
    description = str(event["description"])
    assert FREE_ALES in description and LINK in description
    assert "/en/thunderclaps/ics/" in description
    # The UID is stable, so a second download updates the same event.
    [again] = events(client.get(url))
    assert str(again["uid"]) == str(event["uid"])


@pytest.mark.django_db
def test_the_feed_lists_only_coming_moments_of_open_or_armed_campaigns(client):
    soon = solidarity_day(slug="soon")
    later = solidarity_day(slug="later", moment=timezone.now() + timedelta(days=30))
    cancelled = solidarity_day(slug="cancelled")
    actions.do_cancel(cancelled, wait_seconds=0)
    past = solidarity_day(slug="past")
    past.__class__.objects.filter(pk=past.pk).update(
        moment=timezone.now() - timedelta(hours=1),
        pledge_deadline=timezone.now() - timedelta(hours=2),
    )

    found = events(client.get(reverse("campaigns:calendar")))

    uids = {str(event["uid"]) for event in found}
    assert uids == {f"thunderclap-{soon.pk}@127.0.0.1", f"thunderclap-{later.pk}@127.0.0.1"}


@pytest.mark.django_db
def test_an_unknown_campaign_has_no_ics(client):
    assert client.get(reverse("campaigns:ics", kwargs={"slug": "nope"})).status_code == 404
