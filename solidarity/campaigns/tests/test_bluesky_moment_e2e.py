"""End to end on the real local PDS: 20 supporters pledge by OAuth, the moment fires, 20 posts
exist with the right text, hashtag facets and language, and the old sessions no longer work.

Two supporters pledge through the real pages in Chromium; the other eighteen through the same
views driven by Django's test client, with Chromium only on the PDS's consent page. Every one
is a real OAuth grant (PAR, PKCE, DPoP).
"""

import asyncio
from datetime import timedelta

import pytest
from django.urls import reverse

from solidarity.campaigns import actions
from solidarity.campaigns.engine.moment import EngineSettings, run_moment
from solidarity.campaigns.models import Campaign, Delivery, Pledge
from solidarity.campaigns.networks.bluesky import oauth
from solidarity.campaigns.networks.bluesky.adapter import timestamp
from solidarity.campaigns.tests.bluesky_helpers import (
    PASSWORD,
    DPoPProbe,
    bluesky_settings,  # noqa: F401 (a fixture)
    chromium,
    guard_loopback,
    ipv6_live_server,  # noqa: F401 (a fixture)
    pledge_programmatically,
    sign_in_and_authorize,
    unique_handle,
)
from solidarity.campaigns.tests.helpers import arm_now, solidarity_day
from solidarity.testing.bluesky import query

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("bluesky_settings"),
]

FAST = EngineSettings(request_timeout=10, lease=timedelta(seconds=20), refresh_every=0.2)
SUPPORTERS = 20
# Non-ASCII before the hashtags, so byte offsets differ from character offsets.
TEXTS = {
    "en": "#Belarus: today Aleś Bialiacki has been in jail for 2 years for defending "
    "#humanrights #FreeAles",
    "be": "#Беларусь: сёння Алесь Бяляцкі ўжо 2 гады за кратамі за абарону #правычалавека "
    "#FreeAles",
}
TAGS = {
    "en": ["Belarus", "humanrights", "FreeAles"],
    "be": ["Беларусь", "правычалавека", "FreeAles"],
}


def pledge_in_the_browser(browser, site_url: str, campaign: Campaign, handle: str, language: str):
    """The supporter's way: the campaign page, our Bluesky form, the PDS, back to our thanks."""
    context = browser.new_context()
    page = context.new_page()
    stray: list[str] = []
    guard_loopback(page, stray)
    page.goto(site_url + reverse("campaigns:detail", kwargs={"slug": campaign.slug}))
    page.get_by_role("link", name="Pledge with Bluesky").click()
    page.locator("#id_account").fill(handle)
    page.locator("#id_language").select_option(language)
    page.get_by_role("button", name="Continue on my Bluesky server").click()
    sign_in_and_authorize(page)
    page.wait_for_url("**/thanks/")
    content = page.content()
    context.close()
    assert stray == []
    return content


def tags_at_byte_offsets(text: str, facets: list[dict]) -> list[str]:
    """What each tag facet covers, cut from the UTF-8 bytes as a Bluesky client does."""
    raw = text.encode("utf-8")
    found = []
    for facet in facets:
        (feature,) = facet["features"]
        covered = raw[facet["index"]["byteStart"] : facet["index"]["byteEnd"]].decode("utf-8")
        if feature["$type"] == "app.bsky.richtext.facet#tag":
            assert covered == f"#{feature['tag']}"
            found.append(feature["tag"])
    return found


def test_twenty_supporters_post_at_the_moment_and_their_sessions_end(bluesky_pds, settings):
    campaign = solidarity_day(goal=SUPPORTERS, slug="bsky-e2e", texts=TEXTS)
    languages = ["en", "be"] * (SUPPORTERS // 2)
    handles = [unique_handle(f"s{number}x") for number in range(SUPPORTERS)]
    for handle in handles:
        bluesky_pds.create_account(handle, PASSWORD)

    with chromium() as browser:
        for handle, language in zip(handles[:2], languages[:2], strict=True):
            thanks = pledge_in_the_browser(browser, settings.SITE_URL, campaign, handle, language)
            assert "/thunderclaps/withdraw/" in thanks
        for handle, language in zip(handles[2:], languages[2:], strict=True):
            pledge_programmatically(browser, campaign, handle, language)

    pledges = list(Pledge.objects.filter(campaign=campaign).order_by("pk"))
    assert [p.handle for p in pledges] == handles
    assert all(p.dpop_private_key and p.state == Pledge.State.ACTIVE for p in pledges)

    campaign = arm_now(campaign)
    assert campaign.state == Campaign.State.ARMED
    asyncio.run(run_moment(campaign.pk, FAST))

    deliveries = {d.pledge_id: d for d in Delivery.objects.filter(campaign=campaign)}
    assert {d.state for d in deliveries.values()} == {Delivery.State.POSTED}
    for pledge in pledges:
        delivery = deliveries[pledge.pk]
        record = query(
            bluesky_pds.url,
            "com.atproto.repo.getRecord",
            {
                "repo": pledge.account_id,
                "collection": "app.bsky.feed.post",
                "rkey": delivery.record_key,
            },
        )
        value = record["value"]
        assert value["text"] == TEXTS[pledge.language]
        assert value["langs"] == [pledge.language]
        assert value["createdAt"] == timestamp(campaign.moment)
        assert tags_at_byte_offsets(value["text"], value["facets"]) == TAGS[pledge.language]
        assert delivery.remote_id == record["uri"]
        listed = query(
            bluesky_pds.url,
            "com.atproto.repo.listRecords",
            {"repo": pledge.account_id, "collection": "app.bsky.feed.post"},
        )
        assert len(listed["records"]) == 1

    grants = [
        (p.server, str(p.access_token), str(p.refresh_token), DPoPProbe(p.dpop_private_key))
        for p in Pledge.objects.filter(campaign=campaign)
    ]
    assert all(probe.session_works(server, access) for server, access, _, probe in grants)
    actions.release_campaign(campaign)

    assert set(Pledge.objects.values_list("access_token", flat=True)) == {""}
    assert set(Pledge.objects.values_list("dpop_private_key", flat=True)) == {""}
    client_id = oauth.client_id()
    for server, access, refresh, probe in grants:
        assert not probe.session_works(server, access)
        assert not probe.refresh_works(server, refresh, client_id)
