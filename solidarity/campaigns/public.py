"""Reads for the public Thunderclap pages: what anyone may see about a campaign.

Counts and reach are public; a supporter's name appears only if they ticked "list my name".
Cases are read through `visible_to`, so a restricted case never shows on a campaign page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum
from django.http import Http404
from django.utils import timezone

from solidarity.campaigns import compose
from solidarity.campaigns.models import Campaign, MessageVersion, Network, Pledge
from solidarity.cases.models import Person

COUNTED = [Pledge.State.ACTIVE, Pledge.State.BROKEN]


def campaign_or_404(slug: str) -> Campaign:
    """A campaign anyone may see: everything but a draft."""
    campaign = Campaign.objects.exclude(state=Campaign.State.DRAFT).filter(slug=slug).first()
    if campaign is None:
        raise Http404("No such Thunderclap")
    return campaign


def takes_pledges(campaign: Campaign) -> bool:
    return campaign.state == Campaign.State.OPEN and timezone.now() < campaign.pledge_deadline


def cases_of(campaign: Campaign, user) -> list[Person]:
    return list(Person.objects.visible_to(user).filter(campaigns=campaign).order_by("name"))


def variants(version: MessageVersion | None) -> dict[str, str]:
    return {v.language: v.text for v in version.variants.all()} if version else {}


def pick_language(available: dict[str, str], *wanted: str | None) -> str:
    for language in wanted:
        if language and language in available:
            return language
    return next(iter(available), "")


def message_for(campaign: Campaign, language: str) -> tuple[str, str]:
    """(language, text as posted without a personal line) of the current version."""
    available = variants(campaign.current_version())
    chosen = pick_language(available, language)
    return chosen, compose.compose(available[chosen], "", campaign.link) if chosen else ""


@dataclass(frozen=True)
class Support:
    count: int
    goal: int
    reach: int
    reach_unknown: int  # pledges whose followers are not known: not in `reach`, and said so
    organisations: list[str]
    people: list[str]

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.count / self.goal)) if self.goal else 100


def support(campaign: Campaign) -> Support:
    pledges = campaign.pledges.filter(state__in=COUNTED)
    listed = pledges.filter(listed_publicly=True).exclude(display_name="").order_by("created_at")
    names = list(listed.values_list("kind", "display_name"))
    return Support(
        count=pledges.count(),
        goal=campaign.supporter_goal,
        reach=pledges.aggregate(total=Sum("followers_count"))["total"] or 0,
        # A reminder is not an account with followers: not "unknown", just not reach.
        reach_unknown=pledges.filter(followers_count__isnull=True)
        .exclude(network=Network.REMINDER)
        .count(),
        organisations=[name for kind, name in names if kind == Pledge.Kind.ORGANISATION],
        people=[name for kind, name in names if kind == Pledge.Kind.PERSON],
    )


def coming(now=None) -> list[Campaign]:
    """Campaigns whose moment is still ahead and that will (or may) fire."""
    return list(
        Campaign.objects.filter(
            state__in=[Campaign.State.OPEN, Campaign.State.ARMED], moment__gt=now or timezone.now()
        ).order_by("moment")
    )
