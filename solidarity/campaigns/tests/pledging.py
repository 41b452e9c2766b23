"""Driving the supporter pages in tests: pledging through a real Mastodon-API server on loopback.

The server's /oauth/authorize is an account picker: we GET it (as the browser would, with
the URL our page redirected to), then POST the chosen account back and read the redirect to
our callback.
"""

from __future__ import annotations

import re
import urllib.parse
from html import unescape

import httpx
import pytest
from django.urls import reverse

from solidarity.campaigns.models import Campaign
from solidarity.testing.mastodon import LocalMastodon, MastodonUser


@pytest.fixture(scope="module")
def mastodon_server():
    with LocalMastodon() as server:
        yield server


@pytest.fixture
def pledge_settings(settings, live_server):
    """Loopback servers admitted (test only), and our callback addressed at the live server."""
    settings.SOLIDARITY_ALLOW_LOOPBACK_SERVERS = True
    # As 127.0.0.1, which a browser test's loopback guard admits (live_server says localhost).
    settings.SITE_URL = f"http://127.0.0.1:{urllib.parse.urlsplit(live_server.url).port}"
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    return settings


def mastodon_form(server: str, language: str = "en", **fields) -> dict:
    data = {"server": server, "language": language, "kind": "person"} | fields
    return {f"mastodon-{name}": value for name, value in data.items() if value is not None}


def reminder_form(email: str, language: str = "en", **fields) -> dict:
    data = {"email": email, "language": language, "kind": "person"} | fields
    return {f"reminder-{name}": value for name, value in data.items() if value is not None}


def start_mastodon_pledge(client, campaign: Campaign, server: str, **fields):
    url = reverse("campaigns:pledge_mastodon", kwargs={"slug": campaign.slug})
    return client.post(url, mastodon_form(server, **fields))


def hidden_fields(html: str) -> dict[str, str]:
    return {
        name: unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html)
    }


def authorise(authorize_url: str, user: MastodonUser, state: str | None = None) -> str:
    """Pick `user` on the server's authorisation page; the redirect back to us, with the code."""
    with httpx.Client(timeout=10) as browser:
        page = browser.get(authorize_url)
        page.raise_for_status()
        form = hidden_fields(page.text) | {"username": user.username}
        if state is not None:
            form["state"] = state
        base = authorize_url.split("/oauth/authorize", 1)[0]
        answer = browser.post(f"{base}/oauth/authorize", data=form)
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def local_path(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.path}?{parts.query}"


def pledge_through_mastodon(client, campaign, server: LocalMastodon, user: MastodonUser, **fields):
    """The whole flow; returns the thank-you page."""
    started = start_mastodon_pledge(client, campaign, server.url, **fields)
    assert started.status_code == 302, started.content.decode()
    back = authorise(started["Location"], user)
    return client.get(local_path(back), follow=True)


def registrations_left(server: LocalMastodon) -> list[int | None]:
    """How many of the counting rules on POST /api/v1/apps are left: each registration spends
    one, so the server itself tells how often we registered."""
    rules = httpx.get(f"{server.url}/api/v1/_mock/faults", timeout=10).json()
    return [rule["remaining"] for rule in rules if rule["match"]["path"] == "/api/v1/apps"]


def clear_faults(server: LocalMastodon) -> None:
    httpx.delete(f"{server.url}/api/v1/_mock/faults", timeout=10).raise_for_status()
