"""After the moment, the private link is the supporter's receipt: a link to their own post."""

import asyncio

import pytest

from solidarity.campaigns import actions
from solidarity.campaigns.engine import worker
from solidarity.campaigns.engine.moment import EngineSettings, run_moment
from solidarity.campaigns.models import Delivery, Pledge
from solidarity.campaigns.tests import pledging
from solidarity.campaigns.tests.helpers import arm_now, solidarity_day
from solidarity.campaigns.tests.pledging import local_path, pledge_through_mastodon
from solidarity.campaigns.tests.test_pledge_withdraw import private_link

mastodon_server = pledging.mastodon_server
pledge_settings = pledging.pledge_settings

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("pledge_settings")]
FAST = EngineSettings(request_timeout=3, refresh_every=0.2)


def pledged_link(client, campaign, server, user) -> str:
    """Pledge through the pages; the private link the thank-you page showed once."""
    return local_path(private_link(pledge_through_mastodon(client, campaign, server, user)))


def test_the_private_link_shows_the_post_once_it_went_out(client, mastodon_server):
    campaign = solidarity_day(slug="receipt")
    user = mastodon_server.create_user("receipt")
    link = pledged_link(client, campaign, mastodon_server, user)
    assert "What became of your pledge" not in client.get(link).content.decode()

    campaign = arm_now(campaign)
    asyncio.run(run_moment(campaign.pk, FAST))
    worker.wrap_up_finished()  # revoke and erase, as the worker does after the moment

    [status] = mastodon_server.statuses_of(user)
    delivery = Delivery.objects.get(campaign=campaign)
    assert delivery.remote_url == status["url"]
    page = client.get(link)
    html = page.content.decode()
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    assert f'href="{status["url"]}"' in html
    assert delivery.posted_at.strftime("%H:%M:%S") in html
    assert "given back to your network and erased" in html
    assert "Withdraw my pledge" not in html  # too late for that
    assert Pledge.objects.get(pk=delivery.pledge_id).access_token == ""


def test_a_campaign_that_missed_its_goal_says_nothing_was_posted(client, mastodon_server):
    campaign = solidarity_day(slug="receipt-short", goal=5)
    user = mastodon_server.create_user("short")
    link = pledged_link(client, campaign, mastodon_server, user)
    actions.do_close_pledging(campaign)  # one supporter of five: the goal is missed
    worker.wrap_up_finished()

    html = client.get(link).content.decode()
    assert "The goal was not reached, so nothing was posted for you." in html
    assert mastodon_server.statuses_of(user) == []
