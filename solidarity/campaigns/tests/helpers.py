"""Named campaigns and pledges for the Thunderclap tests."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from solidarity.campaigns import actions
from solidarity.campaigns.models import Campaign, Network
from solidarity.cases.models import DetentionEpisode, Person

FREE_ALES = (
    "#Belarus: today Ales Bialiatski has been in jail for 2 years for defending "
    "#humanrights #FreeAles"
)


def ales() -> Person:
    person, _ = Person.objects.get_or_create(
        slug="ales-bialiatski",
        defaults={"name_en": "Ales Bialiatski", "time_zone": "Europe/Minsk", "country": "BY"},
    )
    if not person.episodes.exists():
        from datetime import date

        DetentionEpisode.objects.create(person=person, arrest_date=date(2021, 7, 14))
    return person


def solidarity_day(
    *, moment=None, goal: int = 1, slug: str = "free-ales", texts: dict | None = None, **fields
) -> Campaign:
    """The 4 August Thunderclap, open for pledges, with its moment a little ahead."""
    moment = moment or timezone.now() + timedelta(hours=2)
    campaign = Campaign.objects.create(
        slug=slug,
        title="Free Ales",
        moment=moment,
        time_zone="Europe/Minsk",
        pledge_deadline=fields.pop("pledge_deadline", moment),
        supporter_goal=goal,
        **fields,
    )
    campaign.cases.add(ales())
    actions.do_publish_version(campaign, texts or {"en": FREE_ALES})
    actions.do_open(campaign)
    return campaign


def pledge_mastodon(campaign: Campaign, server, user, language: str = "en", **fields):
    return actions.do_pledge(
        campaign,
        network=Network.MASTODON,
        language=language,
        server=server.url,
        account_id=user.id,
        handle=user.username,
        access_token=user.access_token,
        **fields,
    )


def arm_now(campaign: Campaign, moment=None) -> Campaign:
    """Close pledging early and put the moment `moment` (default: right away)."""
    Campaign.objects.filter(pk=campaign.pk).update(pledge_deadline=timezone.now())
    campaign.refresh_from_db()
    actions.do_close_pledging(campaign)
    Campaign.objects.filter(pk=campaign.pk).update(moment=moment or timezone.now())
    campaign.refresh_from_db()
    return campaign
