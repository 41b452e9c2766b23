"""Pledging with a Mastodon account, through the real pages and a real Mastodon-API server."""

import urllib.parse

import pytest
from django.db import connection
from django.urls import reverse

from solidarity.campaigns.models import Pledge, ServerApp
from solidarity.campaigns.pledge_mastodon import SESSION_KEY, Pending
from solidarity.campaigns.tests import pledging
from solidarity.campaigns.tests.helpers import solidarity_day
from solidarity.campaigns.tests.pledging import (
    authorise,
    clear_faults,
    local_path,
    pledge_through_mastodon,
    registrations_left,
    start_mastodon_pledge,
)

# Fixtures shared by the pledge tests.
mastodon_server = pledging.mastodon_server
pledge_settings = pledging.pledge_settings

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("pledge_settings")]


def stored_column(pledge: Pledge, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM campaigns_pledge WHERE id = %s", [pledge.pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_the_full_flow_records_an_active_pledge_with_the_token_encrypted(client, mastodon_server):
    campaign = solidarity_day(slug="full-flow")
    user = mastodon_server.create_user("natalia")

    thanks = pledge_through_mastodon(
        client, campaign, mastodon_server, user, display_name="Natalia", listed_publicly="on"
    )

    assert thanks.status_code == 200
    pledge = Pledge.objects.get(campaign=campaign)
    assert pledge.state == Pledge.State.ACTIVE
    assert pledge.network == "mastodon"
    assert pledge.server == mastodon_server.url
    assert pledge.account_id == user.id
    assert pledge.handle == f"@natalia@{mastodon_server.host}"
    assert pledge.followers_count == 0
    token = pledge.access_token
    assert token
    stored = stored_column(pledge, "access_token")
    assert token not in stored and stored
    assert token not in thanks.content.decode()
    # The thank-you page shows the private link and the exact text.
    page = thanks.content.decode()
    assert "/thunderclaps/withdraw/" in page
    assert "#FreeAles" in page
    assert "Natalia" in client.get(campaign.get_absolute_url()).content.decode()


def test_the_token_we_store_posts_as_the_supporter(client, mastodon_server):
    campaign = solidarity_day(slug="token-works")
    user = mastodon_server.create_user("ihar")
    pledge_through_mastodon(client, campaign, mastodon_server, user)

    pledge = Pledge.objects.get(campaign=campaign)
    # The token the server gave us is a real one for this account.
    from solidarity.testing.mastodon import MastodonUser

    assert mastodon_server.token_works(MastodonUser(user.id, user.username, pledge.access_token))


def test_we_send_pkce_and_a_random_state(client, mastodon_server):
    campaign = solidarity_day(slug="pkce")
    started = start_mastodon_pledge(client, campaign, mastodon_server.url)

    assert started.status_code == 302
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(started["Location"]).query))
    assert query["code_challenge_method"] == "S256"
    assert query["scope"] == "write:statuses read:accounts"
    pending = Pending.open(client.session[SESSION_KEY])
    from solidarity.campaigns.networks.mastodon.oauth import code_challenge

    assert query["code_challenge"] == code_challenge(pending.verifier)
    assert query["state"] == pending.state and len(pending.state) >= 40
    assert query["redirect_uri"].endswith("/en/thunderclaps/mastodon/callback/")


def test_the_app_is_registered_once_for_two_pledges_on_one_server(client, mastodon_server):
    ServerApp.objects.all().delete()
    clear_faults(mastodon_server)
    # A rule that changes nothing but counts the registrations the server receives.
    mastodon_server.add_fault(
        {
            "match": {"methods": ["POST"], "path": "/api/v1/apps"},
            "effect": {"type": "latency"},
            "count": 5,
        }
    )
    campaign = solidarity_day(slug="twice", goal=2)
    for name in ("olga", "pavel"):
        user = mastodon_server.create_user(name)
        client.cookies.clear()
        assert pledge_through_mastodon(client, campaign, mastodon_server, user).status_code == 200

    assert Pledge.objects.filter(campaign=campaign, state=Pledge.State.ACTIVE).count() == 2
    assert ServerApp.objects.filter(server=mastodon_server.url).count() == 1
    assert registrations_left(mastodon_server) == [4]
    clear_faults(mastodon_server)


def test_a_state_that_does_not_match_is_refused_and_nothing_is_stored(client, mastodon_server):
    campaign = solidarity_day(slug="bad-state")
    user = mastodon_server.create_user("intruder-victim")
    started = start_mastodon_pledge(client, campaign, mastodon_server.url)

    back = authorise(started["Location"], user, state="forged-by-someone-else")
    answer = client.get(local_path(back))

    assert answer.status_code == 400
    assert "not started in this browser" in answer.content.decode()
    assert not Pledge.objects.exists()
    assert SESSION_KEY not in client.session  # single use, even when it fails


def test_the_state_is_single_use(client, mastodon_server):
    campaign = solidarity_day(slug="replay")
    user = mastodon_server.create_user("replayed")
    started = start_mastodon_pledge(client, campaign, mastodon_server.url)
    back = local_path(authorise(started["Location"], user))

    assert client.get(back).status_code == 302
    assert client.get(back).status_code == 400
    assert Pledge.objects.count() == 1


def test_a_callback_without_a_started_pledge_is_refused(client):
    answer = client.get(reverse("campaigns:mastodon_callback") + "?code=x&state=y")
    assert answer.status_code == 400


def test_a_personal_line_that_is_too_long_is_refused(client, mastodon_server):
    campaign = solidarity_day(slug="long-line", personal_line_max=20)
    answer = start_mastodon_pledge(client, campaign, mastodon_server.url, personal_line="x" * 21)

    assert answer.status_code == 400
    assert "at most 20 characters" in answer.content.decode()
    assert SESSION_KEY not in client.session
    assert not Pledge.objects.exists()


def test_a_server_whose_limit_is_too_short_for_the_message_is_refused(client, mastodon_server):
    clear_faults(mastodon_server)
    short = {
        "configuration": {"statuses": {"max_characters": 60, "characters_reserved_per_url": 23}}
    }
    mastodon_server.add_fault(
        {
            "match": {"path": "/api/v2/instance"},
            "effect": {"type": "status", "status": 200, "body": short},
            "count": 1,
        }
    )
    campaign = solidarity_day(slug="short-server")
    answer = start_mastodon_pledge(client, campaign, mastodon_server.url)
    clear_faults(mastodon_server)

    assert answer.status_code == 400
    page = answer.content.decode()
    assert "allows shorter posts" in page
    assert "of 60 characters" in page
    assert SESSION_KEY not in client.session


def test_a_registration_rate_limit_says_when_to_try_again_and_is_not_retried(
    client, mastodon_server
):
    ServerApp.objects.all().delete()
    clear_faults(mastodon_server)
    mastodon_server.add_fault(
        {
            "match": {"methods": ["POST"], "path": "/api/v1/apps"},
            "effect": {"type": "ratelimit", "headers": {"Retry-After": "240"}},
            "count": 3,
        }
    )
    campaign = solidarity_day(slug="rate-limited")

    first = start_mastodon_pledge(client, campaign, mastodon_server.url)
    second = start_mastodon_pledge(client, campaign, mastodon_server.url)

    for answer in (first, second):
        assert answer.status_code == 400
        assert "Try again in 4 minutes" in answer.content.decode()
    # The server was asked once; the second visitor waited without asking again.
    assert registrations_left(mastodon_server) == [2]
    assert not ServerApp.objects.exists()
    clear_faults(mastodon_server)


def test_an_unknown_language_is_refused_with_a_message(client, mastodon_server):
    campaign = solidarity_day(slug="no-such-language")
    answer = start_mastodon_pledge(client, campaign, mastodon_server.url, language="xx")
    assert answer.status_code == 400
    assert "Select a valid choice" in answer.content.decode()


def test_an_unreachable_server_is_a_message_not_an_error(client, mastodon_server):
    from solidarity.testing.mastodon import free_port

    campaign = solidarity_day(slug="unreachable")
    answer = start_mastodon_pledge(client, campaign, f"http://127.0.0.1:{free_port()}")
    assert answer.status_code == 400
    assert "could not reach this server" in answer.content.decode()


@pytest.mark.parametrize(
    "line", ["read https://phish.example/login", "cc @someone", "cc @someone@server.example"]
)
def test_a_personal_line_with_a_link_or_mention_is_refused(client, mastodon_server, line):
    campaign = solidarity_day(slug="spam-line", personal_line_max=80)
    answer = start_mastodon_pledge(client, campaign, mastodon_server.url, personal_line=line)

    assert answer.status_code == 400
    assert "may not contain links or @mentions" in answer.content.decode()
    assert not Pledge.objects.exists()
