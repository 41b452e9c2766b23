"""The organiser's report and the supporters' receipts after a real moment on loopback
Mastodon-API servers, and the kill switch from the admin revoking real tokens."""

import asyncio
import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from solidarity.campaigns import selectors
from solidarity.campaigns.engine.moment import EngineSettings, run_moment
from solidarity.campaigns.models import Campaign, Delivery
from solidarity.campaigns.tests.helpers import arm_now, pledge_mastodon, solidarity_day
from solidarity.campaigns.tests.organiser_helpers import plain_static  # noqa: F401
from solidarity.testing.mastodon import LocalMastodon, MastodonUser

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("plain_static", "loopback_servers"),
]
FAST = EngineSettings(request_timeout=3, lease=timedelta(seconds=5), refresh_every=0.2)


@pytest.fixture(scope="module")
def servers():
    with LocalMastodon() as first, LocalMastodon() as second:
        yield first, second


def test_report_and_receipts_after_a_real_moment(servers, admin_client):
    campaign = solidarity_day(goal=4, slug="real-moment")
    supporters = []
    for number, server in enumerate(servers * 2):
        user = server.create_user(f"reported{number}")
        pledge = pledge_mastodon(
            campaign,
            server,
            user,
            listed_publicly=number == 0,
            display_name=f"Supporter {number}",
            followers=100 + number,
        ).pledge
        supporters.append((server, user, pledge))
    campaign = arm_now(campaign, moment=timezone.now() + timedelta(seconds=1))
    asyncio.run(run_moment(campaign.pk, FAST))
    assert Campaign.objects.get(pk=campaign.pk).state == Campaign.State.DONE

    # Each supporter's receipt is their post, as the server has it.
    for server, user, pledge in supporters:
        statuses = server.statuses_of(user)
        assert len(statuses) == 1
        receipt = selectors.receipt_for(pledge)
        assert receipt.remote_url == statuses[0]["url"]
        assert receipt.posted_at >= campaign.moment - timedelta(seconds=1)

    report_page = admin_client.get(reverse("admin:campaigns_campaign_report", args=[campaign.pk]))
    page = report_page.content.decode()
    assert 'class="count-posted">4<' in page
    assert f'class="reach">{100 + 101 + 102 + 103}<' in page
    assert "<svg" in page

    response = admin_client.get(reverse("admin:campaigns_campaign_csv", args=[campaign.pk]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {row["state"] for row in rows} == {"posted"}
    listed_url = supporters[0][0].statuses_of(supporters[0][1])[0]["url"]
    assert [row["receipt_url"] for row in rows if row["receipt_url"]] == [listed_url]
    assert all(int(row["lateness_ms"]) > -1000 for row in rows)


def test_cancel_from_the_admin_posts_nothing_and_revokes_access(servers, admin_client):
    first, second = servers
    campaign = solidarity_day(goal=2, slug="cancelled-from-admin")
    users = [(first, first.create_user("cancel-a")), (second, second.create_user("cancel-b"))]
    for server, user in users:
        pledge_mastodon(campaign, server, user)
    campaign = arm_now(campaign, moment=timezone.now() + timedelta(hours=1))
    assert campaign.state == Campaign.State.ARMED

    response = admin_client.post(reverse("admin:campaigns_campaign_cancel", args=[campaign.pk]))

    assert response.status_code == 302
    assert Campaign.objects.get(pk=campaign.pk).state == Campaign.State.CANCELLED
    assert set(Delivery.objects.filter(campaign=campaign).values_list("state", flat=True)) == {
        Delivery.State.CANCELLED
    }
    for number, (server, user) in enumerate(users):
        assert not server.token_works(user)
        # Their own token is gone: look at their timeline as someone else on the server.
        observer = server.create_user(f"observer{number}")
        as_seen = MastodonUser(user.id, user.username, observer.access_token)
        assert server.statuses_of(as_seen) == []
