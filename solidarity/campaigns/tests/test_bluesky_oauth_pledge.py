"""A Bluesky pledge by OAuth against the real local PDS: PAR, PKCE, DPoP, and what is kept."""

import json
import urllib.parse

import httpx
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from solidarity.campaigns.models import Pledge
from solidarity.campaigns.networks.bluesky import oauth
from solidarity.campaigns.networks.bluesky.adapter import new_record_key
from solidarity.campaigns.tests.bluesky_helpers import (
    DPoPProbe,
    bluesky_settings,  # noqa: F401 (a fixture)
    callback_url_from_consent,
    chromium,
    ipv6_live_server,  # noqa: F401 (a fixture)
    pledge_form,
    pledge_programmatically,
    unique_handle,
)
from solidarity.campaigns.tests.helpers import solidarity_day

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("bluesky_settings"),
]


def stored_column(pledge: Pledge, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM campaigns_pledge WHERE id = %s", [pledge.pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_oauth_pledge_keeps_dpop_bound_tokens_and_the_key_encrypted(bluesky_pds):
    campaign = solidarity_day(slug="bsky-oauth")
    handle = unique_handle("olga")
    account = bluesky_pds.create_account(handle, "correct horse battery staple")

    with chromium() as browser:
        thanks = pledge_programmatically(browser, campaign, handle, display_name="Olga")

    assert "/thunderclaps/withdraw/" in thanks
    pledge = Pledge.objects.get(campaign=campaign)
    assert (pledge.network, pledge.state) == ("bluesky", Pledge.State.ACTIVE)
    assert (pledge.server, pledge.account_id, pledge.handle) == (
        bluesky_pds.url,
        account.did,
        handle,
    )
    assert pledge.dpop_private_key.startswith("-----BEGIN PRIVATE KEY-----")
    for column in ("access_token", "refresh_token", "dpop_private_key"):
        stored = stored_column(pledge, column)
        assert stored and getattr(pledge, column) not in stored
    # The token is DPoP-bound: with our key it works, as a Bearer token it does not.
    probe = DPoPProbe(pledge.dpop_private_key)
    assert probe.session_works(pledge.server, pledge.access_token)
    answer = httpx.get(
        f"{pledge.server}/xrpc/com.atproto.server.getSession",
        headers={"Authorization": f"Bearer {pledge.access_token}"},
    )
    assert answer.status_code in (400, 401)


def test_client_metadata_describes_a_dpop_bound_public_client(client, settings):
    settings.SITE_URL = "https://solidarity.example"
    answer = client.get(reverse("bluesky_client_metadata"))
    metadata = json.loads(answer.content)
    assert metadata["client_id"] == "https://solidarity.example/oauth/client-metadata.json"
    assert metadata["redirect_uris"] == ["https://solidarity.example/oauth/bluesky/callback"]
    assert metadata["scope"].split() == [
        "atproto",
        "repo:app.bsky.feed.post?action=create",
        "blob:image/*",
        "rpc:app.bsky.actor.getProfile?aud=did:web:api.bsky.app%23bsky_appview",
        "transition:generic",  # asked for only of a server that knows no finer scope
    ]
    assert metadata["dpop_bound_access_tokens"] is True
    assert metadata["token_endpoint_auth_method"] == "none"
    assert metadata["grant_types"] == ["authorization_code", "refresh_token"]
    assert metadata["application_type"] == "web"


def test_a_loopback_deployment_uses_the_atproto_loopback_client_id(settings):
    settings.SITE_URL = "http://localhost:8123"
    assert oauth.redirect_uri() == "http://127.0.0.1:8123/oauth/bluesky/callback"
    client_id = urllib.parse.urlsplit(oauth.client_id())
    assert (client_id.scheme, client_id.netloc, client_id.path) == ("http", "localhost", "")
    assert urllib.parse.parse_qs(client_id.query) == {
        "redirect_uri": ["http://127.0.0.1:8123/oauth/bluesky/callback"],
        "scope": [oauth.client_scope()],  # every scope it may ask for, as in its metadata
    }


def test_the_callback_checks_the_issuer_and_its_state_works_once(bluesky_pds):
    campaign = solidarity_day(slug="bsky-callback")
    handle = unique_handle("ivan")
    bluesky_pds.create_account(handle, "correct horse battery staple")
    supporter = Client()
    start = supporter.post(
        reverse("campaigns:pledge_bluesky", kwargs={"slug": campaign.slug}),
        pledge_form(handle),
    )
    assert start.status_code == 302
    with chromium() as browser:
        callback = callback_url_from_consent(browser, start["Location"])
    parts = urllib.parse.urlsplit(callback)
    query = dict(urllib.parse.parse_qsl(parts.query))
    assert query["iss"] == bluesky_pds.url

    # Another browser, with the very same answer from the PDS: it started nothing.
    assert Client().get(parts.path, query).status_code == 400
    # A forged issuer ends this sign-in, and nothing is pledged.
    forged = supporter.get(parts.path, query | {"iss": "https://pds.example"})
    assert forged.status_code == 400
    assert "did not complete the sign-in" in forged.content.decode()
    # The state was used up: the genuine answer, replayed, is refused.
    replay = supporter.get(parts.path, query)
    assert replay.status_code == 400
    assert "already used" in replay.content.decode()
    assert not Pledge.objects.filter(campaign=campaign).exists()


def test_a_second_pledge_from_an_account_replaces_the_first(bluesky_pds):
    campaign = solidarity_day(slug="bsky-once")
    handle = unique_handle("twice")
    bluesky_pds.create_account(handle, "correct horse battery staple")

    with chromium() as browser:
        first = pledge_programmatically(browser, campaign, handle)
        old = Pledge.objects.get(campaign=campaign)
        grant = (str(old.access_token), str(old.refresh_token), DPoPProbe(old.dpop_private_key))
        again = pledge_programmatically(browser, campaign, handle)

    assert "replaced" not in first
    assert "Your earlier pledge from this account was replaced" in again
    old.refresh_from_db()
    assert old.state == Pledge.State.WITHDRAWN
    assert (old.access_token, old.refresh_token, old.dpop_private_key) == ("", "", "")
    access, refresh, probe = grant
    assert not probe.session_works(old.server, access)
    assert not probe.refresh_works(old.server, refresh, oauth.client_id())
    (live,) = Pledge.objects.filter(campaign=campaign, state=Pledge.State.ACTIVE)
    assert DPoPProbe(live.dpop_private_key).session_works(live.server, live.access_token)


def test_the_access_granted_creates_posts_and_nothing_else(bluesky_pds):
    """The narrowest scope the server grants: a post may be created, but not a like, nor a
    change to the post, nor the account's email read."""
    campaign = solidarity_day(slug="bsky-narrow")
    handle = unique_handle("narrow")
    bluesky_pds.create_account(handle, "correct horse battery staple")
    with chromium() as browser:
        pledge_programmatically(browser, campaign, handle)
    pledge = Pledge.objects.get(campaign=campaign)
    probe = DPoPProbe(pledge.dpop_private_key)

    def create(collection: str, record: dict, rkey: str) -> httpx.Response:
        return probe.call(
            "POST",
            f"{pledge.server}/xrpc/com.atproto.repo.createRecord",
            token=pledge.access_token,
            json={
                "repo": pledge.account_id,
                "collection": collection,
                "rkey": rkey,
                "record": record,
            },
        )

    now = "2026-08-04T09:00:00.000Z"
    post = {"$type": "app.bsky.feed.post", "text": "#FreeAles", "createdAt": now}
    post_key, like_key = new_record_key(), new_record_key()
    assert create("app.bsky.feed.post", post, post_key).status_code == 200
    like = {
        "$type": "app.bsky.feed.like",
        "subject": {
            "uri": f"at://{pledge.account_id}/app.bsky.feed.post/{post_key}",
            "cid": "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm",
        },
        "createdAt": now,
    }
    assert create("app.bsky.feed.like", like, like_key).status_code in (401, 403)
    put = probe.call(
        "POST",
        f"{pledge.server}/xrpc/com.atproto.repo.putRecord",
        token=pledge.access_token,
        json={
            "repo": pledge.account_id,
            "collection": "app.bsky.feed.post",
            "rkey": post_key,
            "record": post | {"text": "changed"},
        },
    )
    assert put.status_code in (401, 403)
    session = probe.call(
        "GET", f"{pledge.server}/xrpc/com.atproto.server.getSession", token=pledge.access_token
    )
    assert session.status_code == 200
    assert "email" not in session.json()
