"""Observances: the same Thunderclap every year until the defender is free."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django.db import IntegrityError, transaction

from solidarity.campaigns.models import Campaign, MessageVariant, MessageVersion


def _same_day_next_year(local: datetime, month: int, day: int) -> datetime:
    year = local.year + 1
    try:
        return local.replace(year=year, month=month, day=day)
    except ValueError:  # 29 February in a common year: the last day of February
        return local.replace(year=year, month=2, day=28)


def next_moment(campaign: Campaign) -> datetime | None:
    if not campaign.recurrence:
        return None
    local = campaign.moment.astimezone(zoneinfo.ZoneInfo(campaign.time_zone))
    if campaign.recurrence == Campaign.Recurrence.ARREST_ANNIVERSARY:
        arrest = campaign.anniversary_of.arrest_date
        return _same_day_next_year(local, arrest.month, arrest.day)
    return _same_day_next_year(local, local.month, local.day)


def still_detained(campaign: Campaign) -> bool:
    if campaign.recurrence == Campaign.Recurrence.ARREST_ANNIVERSARY:
        return campaign.anniversary_of.release_date is None
    return campaign.cases.filter(
        episodes__release_date__isnull=True, episodes__isnull=False
    ).exists()


def do_prepare_next(campaign: Campaign) -> Campaign | None:
    """Open next year's Thunderclap with this year's message, unless the case is closed."""
    moment = next_moment(campaign)
    if moment is None or not still_detained(campaign) or hasattr(campaign, "next"):
        return None
    version = campaign.current_version()
    try:
        with transaction.atomic():
            following = Campaign.objects.create(
                slug=f"{campaign.slug.rsplit('-', 1)[0] if campaign.previous_id else campaign.slug}"
                f"-{moment.year}"[:120],
                title=campaign.title,
                description=campaign.description,
                moment=moment,
                time_zone=campaign.time_zone,
                pledge_deadline=moment - (campaign.moment - campaign.pledge_deadline),
                supporter_goal=campaign.supporter_goal,
                give_up_after=campaign.give_up_after,
                link=campaign.link,
                image=campaign.image,
                image_alt=campaign.image_alt,
                personal_line_max=campaign.personal_line_max,
                recurrence=campaign.recurrence,
                anniversary_of=campaign.anniversary_of,
                previous=campaign,
                created_by=campaign.created_by,
                state=Campaign.State.OPEN if version else Campaign.State.DRAFT,
            )
            following.cases.set(campaign.cases.all())
            if version:
                copy = MessageVersion.objects.create(campaign=following, number=1)
                MessageVariant.objects.bulk_create(
                    MessageVariant(version=copy, language=v.language, text=v.text)
                    for v in version.variants.all()
                )
    except IntegrityError:  # another worker prepared it first
        return None
    return following
