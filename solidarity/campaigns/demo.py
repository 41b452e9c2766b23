"""The demonstration Thunderclap: the 4 August solidarity day, open for pledges.

Written for the demo in our own words; loaded by `load_demo` after the demo case.
"""

import zoneinfo
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from solidarity.campaigns import actions
from solidarity.campaigns.models import Campaign
from solidarity.cases.models import Person

SLUG = "solidarity-day-demo"
MINSK = zoneinfo.ZoneInfo("Europe/Minsk")
MESSAGE = {
    "en": "4 August, Day of Solidarity with Belarusian civil society: Ales Bialiatski, "
    "human rights defender and Nobel Peace Prize laureate, is still behind bars. "
    "#FreeAles #Belarus #humanrights",
    "be": "4 жніўня, Дзень салідарнасці з беларускай грамадзянскай супольнасцю: Алесь "
    "Бяляцкі, праваабаронца і лаўрэат Нобелеўскай прэміі міру, усё яшчэ за кратамі. "
    "#FreeAles #Belarus #humanrights",
    "ru": "4 августа, День солидарности с гражданским обществом Беларуси: Алесь Беляцкий, "
    "правозащитник и лауреат Нобелевской премии мира, всё ещё за решёткой. "
    "#FreeAles #Belarus #humanrights",
}


def next_solidarity_day(now: datetime) -> datetime:
    local = now.astimezone(MINSK)
    moment = datetime(local.year, 8, 4, 12, 0, tzinfo=MINSK)
    return moment if moment > now + timedelta(days=2) else moment.replace(year=local.year + 1)


@transaction.atomic
def load_demo_campaign() -> Campaign:
    moment = next_solidarity_day(timezone.now())
    campaign, created = Campaign.objects.get_or_create(
        slug=SLUG,
        defaults={
            "title": "Free Ales Bialiatski: 4 August solidarity day (demonstration)",
            "description": "A demonstration Thunderclap: nothing posts unless you run one.",
            "moment": moment,
            "time_zone": "Europe/Minsk",
            "pledge_deadline": moment - timedelta(hours=2),
            "supporter_goal": 100,
            "link": "https://www.nobelprize.org/prizes/peace/2022/",
            "personal_line_max": 40,
            "recurrence": Campaign.Recurrence.YEARLY,
        },
    )
    if created:
        campaign.cases.set(Person.objects.filter(slug="ales-bialiatski"))
        actions.do_publish_version(campaign, MESSAGE)
        actions.do_open(campaign)
    return campaign
