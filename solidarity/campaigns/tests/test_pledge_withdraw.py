"""The private link: withdrawing revokes the access at the server and erases it here."""

import re

import pytest

from solidarity.campaigns.models import Pledge
from solidarity.campaigns.tests import pledging
from solidarity.campaigns.tests.helpers import solidarity_day
from solidarity.campaigns.tests.pledging import (
    local_path,
    pledge_through_mastodon,
)
from solidarity.testing.mastodon import MastodonUser

# Fixtures shared by the pledge tests.
mastodon_server = pledging.mastodon_server
pledge_settings = pledging.pledge_settings

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("pledge_settings")]


def private_link(thanks) -> str:
    return re.search(
        r'<a href="([^"]*/thunderclaps/withdraw/[^"]+/)" rel="noreferrer">', thanks.content.decode()
    )[1]


def test_withdrawing_revokes_the_token_at_the_server_and_erases_it(client, mastodon_server):
    # Slugged "withdraw" on purpose: its pages must not be taken for the private link's.
    campaign = solidarity_day(slug="withdraw")
    user = mastodon_server.create_user("changed-mind")
    thanks = pledge_through_mastodon(client, campaign, mastodon_server, user, email="c@example.org")
    link = local_path(private_link(thanks)).rstrip("?")
    pledge = Pledge.objects.get(campaign=campaign)
    held = MastodonUser(user.id, user.username, pledge.access_token)
    assert mastodon_server.token_works(held)

    confirm_page = client.get(link)
    assert confirm_page.status_code == 200
    assert "Withdraw my pledge" in confirm_page.content.decode()
    assert confirm_page["Referrer-Policy"] == "same-origin"
    assert confirm_page["Cache-Control"] == "no-store"
    assert Pledge.objects.get(pk=pledge.pk).state == Pledge.State.ACTIVE  # GET changes nothing

    done = client.post(link, {"action": "withdraw"})

    assert done.status_code == 200
    assert not mastodon_server.token_works(held)
    pledge.refresh_from_db()
    assert pledge.state == Pledge.State.WITHDRAWN
    assert (pledge.access_token, pledge.handle, pledge.email) == ("", "", "")
    assert client.get(campaign.get_absolute_url()).context["support"].count == 0
    assert client.get(link).status_code == 404  # the link is spent


def test_the_thank_you_page_shows_the_private_link_only_once(client, mastodon_server):
    campaign = solidarity_day(slug="once")
    user = mastodon_server.create_user("once")
    thanks = pledge_through_mastodon(client, campaign, mastodon_server, user)
    assert private_link(thanks)

    again = client.get(thanks.request["PATH_INFO"])
    assert again.status_code == 404
    assert "/thunderclaps/withdraw/" not in again.content.decode()
    # Only a hash of the secret is stored.
    secret = private_link(thanks).rstrip("/").rsplit("/", 1)[1]
    assert not Pledge.objects.filter(withdraw_secret_hash__contains=secret).exists()


def test_an_unknown_private_link_is_a_404_with_a_message(client):
    unknown = "/en/thunderclaps/withdraw/" + "x" * 43 + "/"
    answer = client.post(unknown, {"action": "withdraw"})
    assert answer.status_code == 404
    assert "not valid any more" in answer.content.decode()
