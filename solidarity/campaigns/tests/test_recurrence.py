"""Observances: next year's Thunderclap is prepared until the defender is free."""

import zoneinfo
from datetime import date, datetime

import pytest

from solidarity.campaigns import recurrence
from solidarity.campaigns.engine import worker
from solidarity.campaigns.models import Campaign
from solidarity.campaigns.tests.helpers import FREE_ALES, ales, solidarity_day

pytestmark = pytest.mark.usefixtures("loopback_servers")

MINSK = zoneinfo.ZoneInfo("Europe/Minsk")


def finished(campaign):
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.DONE)
    worker.wrap_up_finished()
    campaign.refresh_from_db()
    return getattr(campaign, "next", None)


@pytest.mark.django_db(transaction=True)
def test_the_solidarity_day_repeats_every_year_until_release():
    moment = datetime(2025, 8, 4, 10, 0, tzinfo=MINSK)
    first = solidarity_day(
        moment=moment,
        slug="solidarity-day",
        recurrence=Campaign.Recurrence.YEARLY,
        pledge_deadline=datetime(2025, 8, 3, 10, 0, tzinfo=MINSK),
    )
    second = finished(first)
    assert second.moment == datetime(2026, 8, 4, 10, 0, tzinfo=MINSK)
    assert second.pledge_deadline == datetime(2026, 8, 3, 10, 0, tzinfo=MINSK)
    assert second.state == Campaign.State.OPEN
    assert second.slug == "solidarity-day-2026"
    assert [v.text for v in second.current_version().variants.all()] == [FREE_ALES]
    assert list(second.cases.all()) == [ales()]
    assert finished(first) == second  # wrapping up twice prepares nothing more

    ales().episodes.update(release_date=date(2026, 9, 1), release_mode="pardon")
    assert finished(second) is None


@pytest.mark.django_db(transaction=True)
def test_an_arrest_anniversary_follows_the_arrest_date():
    episode = ales().episodes.get()
    moment = datetime(2025, 7, 14, 12, 0, tzinfo=MINSK)
    first = solidarity_day(
        moment=moment,
        slug="anniversary",
        anniversary_of=episode,
        recurrence=Campaign.Recurrence.ARREST_ANNIVERSARY,
    )
    assert finished(first).moment == datetime(2026, 7, 14, 12, 0, tzinfo=MINSK)


@pytest.mark.django_db(transaction=True)
def test_a_leap_day_anniversary_falls_on_28_february():
    episode = ales().episodes.get()
    episode.arrest_date = date(2024, 2, 29)
    episode.save()
    campaign = Campaign(
        moment=datetime(2024, 2, 29, 9, 0, tzinfo=MINSK),
        time_zone="Europe/Minsk",
        anniversary_of=episode,
        recurrence=Campaign.Recurrence.ARREST_ANNIVERSARY,
    )
    assert recurrence.next_moment(campaign) == datetime(2025, 2, 28, 9, 0, tzinfo=MINSK)


@pytest.mark.django_db(transaction=True)
def test_a_cancelled_campaign_does_not_repeat():
    first = solidarity_day(
        moment=datetime(2025, 8, 4, 10, 0, tzinfo=MINSK),
        slug="one-off",
        recurrence=Campaign.Recurrence.YEARLY,
        pledge_deadline=datetime(2025, 8, 3, 10, 0, tzinfo=MINSK),
    )
    Campaign.objects.filter(pk=first.pk).update(state=Campaign.State.CANCELLED)
    worker.wrap_up_finished()
    assert not Campaign.objects.filter(previous=first).exists()
