"""Campaigns with known outcomes, and organisers, for the organiser-side tests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from solidarity.campaigns import actions
from solidarity.campaigns.models import Campaign, Delivery, Network
from solidarity.campaigns.tests.helpers import arm_now, solidarity_day

# Values that must never appear on an organiser's page or in the CSV.
SECRETS = {
    "handle": "hidden-handle-4711@m1.example",
    "access_token": "tok-SECRET-access-9f2c",
    "refresh_token": "tok-SECRET-refresh-77aa",
    "email": "hidden.supporter@example.org",
}
UNLISTED_NAME = "Unlisted Ivanova"
LISTED_NAME = "Viasna Friends"


@pytest.fixture
def plain_static(settings):
    """Admin pages without a collectstatic manifest (see core.tests.admin_helpers)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def pledge(campaign: Campaign, number: int, *, listed: bool, followers: int, **secrets):
    """A Mastodon pledge on a made-up host; nothing here contacts it."""
    name = LISTED_NAME if listed else UNLISTED_NAME
    return actions.do_pledge(
        campaign,
        network=Network.MASTODON,
        language="en",
        display_name=f"{name} {number}",
        listed_publicly=listed,
        kind="organisation" if listed else "person",
        server="https://m1.example",
        account_id=f"acct-{number}-id",
        followers=followers,
        **secrets,
    ).pledge


def campaign_with_outcomes(**fields) -> Campaign:
    """Five pledges after their moment: two posted (100 ms and 300 ms late), two failed for
    one reason, one unknown. Pledge 0 is an organisation listed by name; the rest are not."""
    campaign = solidarity_day(goal=1, **fields)
    pledges = [
        pledge(campaign, n, listed=n == 0, followers=(n + 1) * 10, **SECRETS) for n in range(5)
    ]
    campaign = arm_now(campaign, moment=timezone.now() - timedelta(minutes=1))
    outcomes = [
        {"state": Delivery.State.POSTED, "late": 100, "url": "https://m1.example/@org/1"},
        {"state": Delivery.State.POSTED, "late": 300, "url": "https://m1.example/@person/2"},
        {"state": Delivery.State.FAILED, "reason": "HTTP 422"},
        {"state": Delivery.State.FAILED, "reason": "HTTP 422"},
        {"state": Delivery.State.UNKNOWN, "reason": "outcome unknown at the deadline"},
    ]
    for pledge_, outcome in zip(pledges, outcomes, strict=True):
        late = outcome.get("late")
        Delivery.objects.filter(pledge=pledge_).update(
            state=outcome["state"],
            posted_at=campaign.moment + timedelta(milliseconds=late) if late else None,
            remote_url=outcome.get("url", ""),
            failure_reason=outcome.get("reason", ""),
            attempts=1,
        )
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.DONE)
    campaign.refresh_from_db()
    return campaign
