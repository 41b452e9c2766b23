"""Reach on Bluesky: follower counts live in an AppView, asked through the supporter's own PDS
(the `atproto-proxy` header), never from a public AppView; where they cannot be had, the access
is still ready and the pages say for how many accounts the reach is not known."""

import asyncio
import logging
import secrets

import aiohttp
import pytest
from django.core.cache import cache
from django.urls import reverse

from solidarity.campaigns import report
from solidarity.campaigns.engine.preflight import run_preflight
from solidarity.campaigns.engine.prepare import account_for
from solidarity.campaigns.models import Network, Pledge
from solidarity.campaigns.networks.bluesky.adapter import ADAPTER
from solidarity.campaigns.tests.bluesky_helpers import (
    PASSWORD,
    bluesky_settings,  # noqa: F401 (a fixture)
    chromium,
    ipv6_live_server,  # noqa: F401 (a fixture)
    pledge_programmatically,
    unique_handle,
)
from solidarity.campaigns.tests.helpers import solidarity_day
from solidarity.campaigns.tests.organiser_helpers import (
    campaign_with_outcomes,
    plain_static,  # noqa: F401 (a fixture)
)
from solidarity.campaigns.tests.refresh_scenario import bluesky_pledge
from solidarity.testing import appview as local_appview
from solidarity.testing.appview import LocalAppView
from solidarity.testing.bluesky import LocalPDS


def password_pledge(campaign, pds, name: str) -> Pledge:
    account = pds.create_account(unique_handle(name), PASSWORD)
    return bluesky_pledge(
        campaign,
        server=pds.url,
        account_id=account.did,
        access_token=account.access_jwt,
        refresh_token=account.refresh_jwt,
    )


def mastodon_pledge(campaign, followers: int | None) -> Pledge:
    return Pledge.objects.create(
        campaign=campaign,
        network=Network.MASTODON,
        language="en",
        agreed_version=campaign.current_version(),
        withdraw_secret_hash=secrets.token_hex(32),
        state=Pledge.State.ACTIVE,
        followers_count=followers,
    )


def verify(pledge: Pledge):
    async def check():
        async with aiohttp.ClientSession() as http:
            return await ADAPTER.verify(http, account_for(pledge, None))

    return asyncio.run(check())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("bluesky_settings")
def test_without_an_appview_the_access_is_ready_and_its_reach_is_said_to_be_unknown(
    bluesky_pds, client, caplog
):
    # The test PDS has no AppView: a proxied request fails on loopback (port 1), where a
    # PDS without one would have gone out to api.bsky.app.
    campaign = solidarity_day(slug="bsky-reach-unknown", goal=1)
    pledge = password_pledge(campaign, bluesky_pds, "nocount")

    reach = verify(pledge)

    assert reach.ok
    assert reach.followers is None
    assert reach.reason == (
        "follower count unknown: getProfile answered HTTP 502 Upstream service unreachable"
    )
    with caplog.at_level(logging.INFO, logger="solidarity.campaigns.engine.preflight"):
        assert run_preflight(campaign) == {"ready": 1, "broken": 0}
    assert f"reach of pledge {pledge.pk} not counted: {reach.reason}" in caplog.messages
    pledge.refresh_from_db()
    assert (pledge.state, pledge.followers_count) == (Pledge.State.ACTIVE, None)

    mastodon_pledge(campaign, followers=1234)
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert "Total reach: 1,234 followers; not known for 1 account." in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("bluesky_settings")
def test_followers_are_asked_through_the_supporters_own_server(settings, client):
    with LocalAppView({}) as appview, LocalPDS(extra_env=appview.pds_env) as pds:
        settings.SOLIDARITY_PLC_URL = pds.plc_url
        settings.SOLIDARITY_BLUESKY_HANDLE_RESOLVER = pds.url
        campaign = solidarity_day(slug="bsky-reach", goal=2)
        handle = unique_handle("reach")
        appview.followers[pds.create_account(handle, PASSWORD).did] = 1100
        with chromium() as browser:  # an OAuth pledge: DPoP-bound tokens
            pledge_programmatically(browser, campaign, handle)
        oauth = Pledge.objects.get(campaign=campaign)
        assert oauth.followers_count == 1100  # counted when they pledged
        password = password_pledge(campaign, pds, "reach")
        appview.followers.update({oauth.account_id: 1200, password.account_id: 34})

        assert run_preflight(campaign) == {"ready": 2, "broken": 0}

        # The header decides where the PDS forwards to (this PDS resolves only loopback
        # did:web documents, so another AppView is refused right there); none: not asked.
        password.refresh_from_db()
        settings.SOLIDARITY_BLUESKY_APPVIEW = "did:web:appview.invalid#bsky_appview"
        elsewhere = verify(password)
        settings.SOLIDARITY_BLUESKY_APPVIEW = ""
        nowhere = verify(password)
        assert (elsewhere.ok, elsewhere.followers, nowhere.ok, nowhere.followers) == (
            True,
            None,
            True,
            None,
        )
        assert elsewhere.reason.endswith("HTTP 400 could not resolve proxy did")
        assert nowhere.reason == "follower count not asked: no AppView configured"

    counted = dict(Pledge.objects.values_list("account_id", "followers_count"))
    assert counted == {oauth.account_id: 1200, password.account_id: 34}
    # Only the supporters' PDS spoke to the AppView, each for its account about itself, with
    # a token it signed: we never told it the list of accounts.
    asked = {(a.actor, a.claims.get("iss"), a.claims.get("lxm")) for a in appview.asked}
    profile = "app.bsky.actor.getProfile"
    assert asked == {(did, did, profile) for did in (oauth.account_id, password.account_id)}
    assert {a.claims.get("aud") for a in appview.asked} == {local_appview.DID}
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert "Total reach: 1,234 followers." in html
    assert "not known" not in html


@pytest.mark.django_db
def test_the_campaign_page_says_for_how_many_accounts_the_reach_is_not_known(client):
    campaign = solidarity_day(slug="bsky-reach-page", goal=4)
    mastodon_pledge(campaign, followers=1000)
    mastodon_pledge(campaign, followers=234)
    unknown = [mastodon_pledge(campaign, followers=None) for _ in range(2)]

    def reach_line() -> str:
        cache.clear()
        html = client.get(campaign.get_absolute_url()).content.decode()
        return html[html.index('<p class="reach">') :].split("</p>")[0]

    assert reach_line().endswith("Total reach: 1,234 followers; not known for 2 accounts.")
    Pledge.objects.filter(pk=unknown[0].pk).update(followers_count=0)
    assert reach_line().endswith("Total reach: 1,234 followers; not known for 1 account.")
    Pledge.objects.filter(pk=unknown[1].pk).update(followers_count=0)
    assert reach_line().endswith("Total reach: 1,234 followers.")


@pytest.mark.django_db
@pytest.mark.usefixtures("plain_static")
def test_the_report_says_how_many_accounts_that_posted_have_an_unknown_reach(
    client, django_user_model
):
    campaign = campaign_with_outcomes()  # posted: the accounts with 10 and 20 followers
    Pledge.objects.filter(campaign=campaign, followers_count=20).update(followers_count=None)

    built = report.build(campaign)

    assert (built.reach, built.reach_unknown) == (10, 1)
    client.force_login(
        django_user_model.objects.create_superuser("boss", "b@example.org", "x" * 16)
    )
    page = client.get(reverse("admin:campaigns_campaign_report", args=[campaign.pk]))
    html = page.content.decode()
    assert 'class="reach">10<' in html
    assert 'class="reach-unknown">1<' in html
