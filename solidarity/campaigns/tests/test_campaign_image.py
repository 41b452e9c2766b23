"""The campaign image: uploaded with its alt text to each account's server before the moment,
attached to every post, on the Mastodon API and on the real local PDS."""

import asyncio
import io
import os
import time
from datetime import timedelta

import httpx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from solidarity.campaigns import report
from solidarity.campaigns.engine import media, worker
from solidarity.campaigns.engine.moment import EngineSettings, run_moment
from solidarity.campaigns.models import Campaign, Delivery, Pledge
from solidarity.campaigns.networks.bluesky.adapter import COLLECTION
from solidarity.campaigns.tests.bluesky_helpers import (
    PASSWORD,
    bluesky_settings,  # noqa: F401 (a fixture)
    chromium,
    ipv6_live_server,  # noqa: F401 (a fixture)
    pledge_programmatically,
    unique_handle,
)
from solidarity.campaigns.tests.helpers import arm_now, pledge_mastodon, solidarity_day
from solidarity.campaigns.tests.test_bluesky_app_password import app_password_for, form
from solidarity.testing.bluesky import query
from solidarity.testing.mastodon import LocalMastodon

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("loopback_servers")]
FAST = EngineSettings(request_timeout=10, lease=timedelta(seconds=20), refresh_every=0.2)
ALT = "Ales Bialiatski behind the bars of a courtroom cage, smiling"


def png(width: int = 64, height: int = 48) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def with_image(campaign: Campaign, data: bytes | None = None) -> Campaign:
    campaign.image.save("ales.png", ContentFile(data or png()), save=False)
    campaign.image_alt = ALT
    campaign.full_clean()
    campaign.save()
    return campaign


def fetch(url: str) -> bytes:
    return httpx.get(url, timeout=10).raise_for_status().content


@pytest.fixture(scope="module")
def mastodon():
    with LocalMastodon() as server:
        yield server


def test_mastodon_posts_carry_the_image_with_its_description(mastodon):
    campaign = with_image(solidarity_day(slug="image-mastodon", goal=2))
    users = [mastodon.create_user(f"pictured{n}") for n in range(2)]
    for user in users:
        pledge_mastodon(campaign, mastodon, user)
    campaign = arm_now(campaign, moment=timezone.now() + timedelta(minutes=10))

    worker.upload_due_images()  # ten minutes ahead: within MEDIA_AHEAD
    stored = list(Delivery.objects.filter(campaign=campaign))
    assert all(d.media.get("ref", {}).get("mastodon_media_id") for d in stored), [
        d.media for d in stored
    ]
    Campaign.objects.filter(pk=campaign.pk).update(moment=timezone.now() + timedelta(seconds=1))
    asyncio.run(run_moment(campaign.pk, FAST))

    for user in users:
        [status] = mastodon.statuses_of(user)
        [attachment] = status["media_attachments"]
        assert attachment["description"] == ALT
        assert fetch(attachment["url"]) == png()
    assert report.build(Campaign.objects.get(pk=campaign.pk)).without_image == 0


def test_uploads_wait_until_shortly_before_the_moment(mastodon):
    campaign = with_image(solidarity_day(slug="image-early"))
    pledge_mastodon(campaign, mastodon, mastodon.create_user("early"))
    campaign = arm_now(campaign, moment=timezone.now() + timedelta(hours=2))

    worker.upload_due_images()

    assert Delivery.objects.get(campaign=campaign).media == {}


def test_a_refused_upload_is_retried_then_the_text_goes_alone(mastodon):
    campaign = with_image(solidarity_day(slug="image-refused"))
    user = mastodon.create_user("refused")
    pledge_mastodon(campaign, mastodon, user)
    campaign = arm_now(campaign, moment=timezone.now() + timedelta(minutes=5))
    mastodon.add_fault(
        {
            "match": {"methods": ["POST"], "path": "/api/v2/media"},
            "effect": {"type": "status", "status": 503},
            "count": media.ATTEMPTS,
        }
    )

    for _ in range(media.ATTEMPTS):
        counts = media.upload_images(campaign.pk)
        assert counts == {"stored": 0, "refused": 1}
        Delivery.objects.filter(campaign=campaign).update(
            media={**Delivery.objects.get(campaign=campaign).media, "retry_at": None}
        )
    assert media.upload_images(campaign.pk) == {"stored": 0, "refused": 0}  # gave up
    assert "503" in Delivery.objects.get(campaign=campaign).media["error"]

    Campaign.objects.filter(pk=campaign.pk).update(moment=timezone.now() + timedelta(seconds=1))
    asyncio.run(run_moment(campaign.pk, FAST))
    [status] = mastodon.statuses_of(user)
    assert status["media_attachments"] == []
    assert "#FreeAles" in status["content"]
    assert report.build(Campaign.objects.get(pk=campaign.pk)).without_image == 1


def test_uploads_stop_in_time_for_the_moment(mastodon):
    campaign = with_image(solidarity_day(slug="image-late"))
    pledge_mastodon(campaign, mastodon, mastodon.create_user("late"))
    budget = 1.5
    moment = timezone.now() + media.STOP_BEFORE + timedelta(seconds=budget)
    campaign = arm_now(campaign, moment=moment)
    mastodon.add_fault(
        {
            "match": {"methods": ["POST"], "path": "/api/v2/media"},
            "effect": {"type": "latency", "delay_ms": 8000},
            "count": 1,
        }
    )

    started = time.monotonic()
    counts = media.upload_images(campaign.pk)

    assert time.monotonic() - started < budget + 2
    assert counts == {"stored": 0, "refused": 0}
    assert Delivery.objects.get(campaign=campaign).media == {}


def posted_with_image(campaign: Campaign, bluesky_pds, did: str) -> dict:
    """Arm, upload, post at the moment; the post's record as the PDS holds it."""
    campaign = arm_now(campaign, moment=timezone.now() + timedelta(minutes=5))
    assert media.upload_images(campaign.pk) == {"stored": 1, "refused": 0}
    Campaign.objects.filter(pk=campaign.pk).update(moment=timezone.now() + timedelta(seconds=1))
    asyncio.run(run_moment(campaign.pk, FAST))

    delivery = Delivery.objects.get(campaign=campaign)
    assert delivery.state == Delivery.State.POSTED, delivery.failure_reason
    return query(
        bluesky_pds.url,
        "com.atproto.repo.getRecord",
        {"repo": did, "collection": COLLECTION, "rkey": delivery.record_key},
    )["value"]


@pytest.mark.usefixtures("bluesky_settings")
def test_bluesky_posts_embed_the_image_with_alt_text(client, bluesky_pds):
    campaign = with_image(solidarity_day(slug="image-bluesky"))
    handle = unique_handle("img")
    did, app_password = app_password_for(bluesky_pds, handle)
    url = reverse("campaigns:pledge_bluesky_app_password", kwargs={"slug": campaign.slug})
    assert client.post(url, form(handle, app_password)).status_code == 302
    record = posted_with_image(campaign, bluesky_pds, did)
    [image] = record["embed"]["images"]
    assert record["embed"]["$type"] == "app.bsky.embed.images"
    assert image["alt"] == ALT
    assert image["aspectRatio"] == {"width": 64, "height": 48}
    cid = image["image"]["ref"]["$link"]
    blob = fetch(f"{bluesky_pds.url}/xrpc/com.atproto.sync.getBlob?did={did}&cid={cid}")
    assert blob == png()


def test_an_image_bluesky_cannot_take_is_refused_when_the_organiser_saves():
    campaign = solidarity_day(slug="image-too-big")
    noise = Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3))  # incompressible
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    assert len(buffer.getvalue()) > 1_000_000

    with pytest.raises(ValidationError) as refused:
        with_image(campaign, buffer.getvalue())
    assert "1 MB" in str(refused.value)


def test_the_image_cannot_change_once_supporters_pledged(mastodon):
    campaign = with_image(solidarity_day(slug="image-fixed"))
    pledge_mastodon(campaign, mastodon, mastodon.create_user("agreed"))

    campaign.image_alt = "Something else"
    with pytest.raises(ValidationError) as refused:
        campaign.full_clean()
    assert "image" in refused.value.message_dict


def test_mastodon_is_asked_for_uploads_only_when_the_campaign_has_an_image():
    from solidarity.campaigns.networks.mastodon import oauth

    assert "write:media" not in oauth.scopes_for(with_image=False)
    assert oauth.scopes_for(with_image=True).split() == [
        "write:statuses",
        "read:accounts",
        "write:media",
    ]


@pytest.mark.browser
@pytest.mark.usefixtures("bluesky_settings")
def test_an_oauth_session_uploads_the_image_with_dpop(bluesky_pds):
    campaign = with_image(solidarity_day(slug="image-oauth"))
    handle = unique_handle("oimg")
    bluesky_pds.create_account(handle, PASSWORD)
    with chromium() as browser:
        pledge_programmatically(browser, campaign, handle)
    pledge = Pledge.objects.get(campaign=campaign)
    assert pledge.dpop_private_key
    record = posted_with_image(campaign, bluesky_pds, pledge.account_id)
    assert record["embed"]["images"][0]["alt"] == ALT


def test_the_campaign_page_shows_the_image_supporters_agree_to_post(client):
    campaign = with_image(solidarity_day(slug="image-shown"))

    page = client.get(campaign.get_absolute_url()).content.decode()
    image_url = reverse("campaigns:image", kwargs={"slug": campaign.slug})
    assert f'src="{image_url}"' in page
    assert f'alt="{ALT}"' in page
    assert "upload the campaign image" in page
    served = client.get(image_url)
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == png()

    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.DRAFT)
    assert client.get(image_url).status_code == 404
