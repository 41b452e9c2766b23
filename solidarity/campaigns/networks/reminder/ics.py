"""Calendar events for the moment: one campaign's .ics, and a feed of every coming moment.

The UID is stable per campaign, so importing the file again (or the feed refreshing) updates
the event rather than adding a second one.
"""

from __future__ import annotations

import urllib.parse
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from solidarity.campaigns.models import Campaign

EVENT_LENGTH = timedelta(minutes=15)
ALARM_BEFORE = timedelta(minutes=10)


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Solidarity//Thunderclaps//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def event_uid(campaign: Campaign) -> str:
    host = urllib.parse.urlsplit(settings.SITE_URL).hostname or "solidarity"
    return f"thunderclap-{campaign.pk}@{host}"


def campaign_event(campaign: Campaign, message: str, page_url: str) -> Event:
    event = Event()
    event.add("uid", event_uid(campaign))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", campaign.moment)
    event.add("dtend", campaign.moment + EVENT_LENGTH)
    event.add("summary", _("Thunderclap: %(title)s") % {"title": campaign.title})
    description = [_("Post this message now:"), "", message, "", _("Share it:"), page_url]
    event.add("description", "\n".join(part for part in description if part is not None))
    event.add("url", page_url)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", _("The Thunderclap starts in 10 minutes."))
    alarm.add("trigger", -ALARM_BEFORE)
    event.add_component(alarm)
    return event


def campaign_ics(campaign: Campaign, message: str, page_url: str) -> bytes:
    calendar = _calendar(campaign.title)
    calendar.add_component(campaign_event(campaign, message, page_url))
    return calendar.to_ical()


def feed_ics(events: list[tuple[Campaign, str, str]]) -> bytes:
    calendar = _calendar(_("Coming Thunderclaps"))
    for campaign, message, page_url in events:
        calendar.add_component(campaign_event(campaign, message, page_url))
    return calendar.to_ical()
