"""The warned fallback: pledging with an app password on the real local PDS."""

import asyncio
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse

from solidarity.campaigns import actions
from solidarity.campaigns.engine.moment import EngineSettings, run_moment
from solidarity.campaigns.models import Delivery, Pledge
from solidarity.campaigns.tests.bluesky_helpers import (
    PASSWORD,
    bluesky_settings,  # noqa: F401 (a fixture)
    ipv6_live_server,  # noqa: F401 (a fixture)
    unique_handle,
)
from solidarity.campaigns.tests.helpers import FREE_ALES, arm_now, solidarity_day
from solidarity.testing.bluesky import XRPCError, procedure, query

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("bluesky_settings"),
]
FAST = EngineSettings(request_timeout=10, lease=timedelta(seconds=20), refresh_every=0.2)


def app_password_for(bluesky_pds, handle: str) -> tuple[str, str]:
    account = bluesky_pds.create_account(handle, PASSWORD)
    created = procedure(
        bluesky_pds.url,
        "com.atproto.server.createAppPassword",
        {"name": "thunderclap"},
        token=account.access_jwt,
    )
    return account.did, created["password"]


def form(handle: str, app_password: str, **fields) -> dict:
    return {
        "account": handle,
        "app_password": app_password,
        "understood": "on",
        "language": "en",
        "kind": "person",
    } | fields


def whole_row(pledge: Pledge) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM campaigns_pledge WHERE id = %s", [pledge.pk])
        return " ".join(str(value) for value in cursor.fetchone())


def test_the_page_warns_before_anything_is_typed(client):
    campaign = solidarity_day(slug="bsky-warned")
    page = client.get(
        reverse("campaigns:pledge_bluesky_app_password", kwargs={"slug": campaign.slug})
    ).content.decode()
    assert "broader access" in page
    assert "just for this pledge" in page
    assert "we cannot delete the app password for you" in page
    assert 'type="password"' in page


def test_an_app_password_pledge_posts_and_its_session_dies_at_release(client, bluesky_pds):
    campaign = solidarity_day(slug="bsky-app-password")
    handle = unique_handle("apw")
    did, app_password = app_password_for(bluesky_pds, handle)
    url = reverse("campaigns:pledge_bluesky_app_password", kwargs={"slug": campaign.slug})

    answer = client.post(url, form(handle, app_password))

    assert answer.status_code == 302, answer.content.decode()[:3000]
    pledge = Pledge.objects.get(campaign=campaign)
    assert (pledge.network, pledge.account_id, pledge.server) == ("bluesky", did, bluesky_pds.url)
    assert pledge.dpop_private_key == ""
    refresh = str(pledge.refresh_token)
    assert refresh and pledge.access_token
    stored = [str(getattr(pledge, f)) for f in ("handle", "access_token", "refresh_token", "email")]
    assert app_password not in " ".join(stored) + whole_row(pledge)
    thanks = client.get(answer["Location"]).content.decode()
    assert "/thunderclaps/withdraw/" in thanks

    campaign = arm_now(campaign)
    asyncio.run(run_moment(campaign.pk, FAST))
    delivery = Delivery.objects.get(pledge=pledge)
    assert delivery.state == Delivery.State.POSTED, delivery.failure_reason
    record = query(
        bluesky_pds.url,
        "com.atproto.repo.getRecord",
        {"repo": did, "collection": "app.bsky.feed.post", "rkey": delivery.record_key},
    )
    assert record["value"]["text"] == FREE_ALES

    actions.release_campaign(campaign)
    with pytest.raises(XRPCError) as refused:
        procedure(bluesky_pds.url, "com.atproto.server.refreshSession", token=refresh)
    assert refused.value.status in (400, 401)
    assert Pledge.objects.get(pk=pledge.pk).refresh_token == ""


def test_a_wrong_app_password_pledges_nothing(client, bluesky_pds):
    campaign = solidarity_day(slug="bsky-wrong-password")
    handle = unique_handle("wrong")
    app_password_for(bluesky_pds, handle)
    url = reverse("campaigns:pledge_bluesky_app_password", kwargs={"slug": campaign.slug})

    answer = client.post(url, form(handle, "aaaa-bbbb-cccc-dddd"))

    assert answer.status_code == 400
    assert "did not accept this handle and app password" in answer.content.decode()
    assert not Pledge.objects.filter(campaign=campaign).exists()


def test_the_warning_must_be_acknowledged(client, bluesky_pds):
    campaign = solidarity_day(slug="bsky-unacknowledged")
    handle = unique_handle("hasty")
    _did, app_password = app_password_for(bluesky_pds, handle)
    url = reverse("campaigns:pledge_bluesky_app_password", kwargs={"slug": campaign.slug})

    answer = client.post(url, form(handle, app_password, understood=""))

    assert answer.status_code == 400
    assert not Pledge.objects.filter(campaign=campaign).exists()


def test_pledging_again_replaces_the_first_pledge_and_ends_its_session(client, bluesky_pds):
    campaign = solidarity_day(slug="bsky-app-password-twice")
    handle = unique_handle("again")
    did, app_password = app_password_for(bluesky_pds, handle)
    url = reverse("campaigns:pledge_bluesky_app_password", kwargs={"slug": campaign.slug})
    client.get(client.post(url, form(handle, app_password))["Location"])
    old = Pledge.objects.get(campaign=campaign)
    old_refresh = str(old.refresh_token)

    answer = client.post(url, form(handle, app_password, personal_line=""))

    assert answer.status_code == 302, answer.content.decode()[:3000]
    thanks = client.get(answer["Location"]).content.decode()
    assert "Your earlier pledge from this account was replaced" in thanks
    old.refresh_from_db()
    assert (old.state, old.refresh_token, old.access_token) == (Pledge.State.WITHDRAWN, "", "")
    with pytest.raises(XRPCError) as refused:
        procedure(bluesky_pds.url, "com.atproto.server.refreshSession", token=old_refresh)
    assert refused.value.status in (400, 401)
    (live,) = Pledge.objects.filter(campaign=campaign, state=Pledge.State.ACTIVE)
    assert live.account_id == did
    assert actions.count_supporters(campaign) == 1
