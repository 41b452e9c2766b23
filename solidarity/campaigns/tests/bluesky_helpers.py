"""Driving Bluesky pledges in tests: the real local PDS, its sign-in page in Chromium.

Every pledge here is a real OAuth grant: our pages start it (PAR, PKCE, DPoP), Chromium signs
in and presses "Authorize" on the PDS's own page, and our callback finishes it.
"""

from __future__ import annotations

import secrets
import socket
from contextlib import contextmanager

import httpx
import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test import Client
from django.test.testcases import LiveServerThread
from django.urls import reverse
from playwright.sync_api import Browser, sync_playwright

from solidarity.campaigns.networks.bluesky.dpop import DPoPKey, needs_nonce

PASSWORD = "correct horse battery staple"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


class _IPv6Server(ThreadedWSGIServer):
    address_family = socket.AF_INET6


class _IPv6LiveServerThread(LiveServerThread):
    server_class = _IPv6Server


@pytest.fixture
def ipv6_live_server(transactional_db):
    """Our site on http://[::1]:PORT, while the PDS is on 127.0.0.1.

    Browsers count 127.0.0.1 and [::1] as different sites, as our site and a supporter's PDS
    are in real life; on one host the PDS would refuse its sign-in page (it insists on a
    cross-site Sec-Fetch-Site). [::1] is also one of the two hosts atproto allows in a
    loopback client's redirect URI, so the callback comes back to the same host and cookies.
    """
    shared = [c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()]
    thread = _IPv6LiveServerThread(
        "::1", StaticFilesHandler, connections_override={c.alias: c for c in shared}
    )
    thread.daemon = True
    for connection in shared:
        connection.inc_thread_sharing()
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://[::1]:{thread.port}"
    thread.terminate()
    for connection in shared:
        connection.dec_thread_sharing()


@pytest.fixture
def bluesky_settings(settings, bluesky_pds, ipv6_live_server, monkeypatch):
    """Loopback servers admitted (test only), the local PLC and handle resolver, and our
    callback addressed at our live server."""
    settings.SOLIDARITY_ALLOW_LOOPBACK_SERVERS = True
    settings.SOLIDARITY_PLC_URL = bluesky_pds.plc_url
    settings.SOLIDARITY_BLUESKY_HANDLE_RESOLVER = bluesky_pds.url
    settings.SITE_URL = ipv6_live_server
    settings.ALLOWED_HOSTS = ["[::1]", "127.0.0.1", "localhost", "testserver"]
    # Playwright's sync API keeps an event loop in this thread; the ORM calls between its
    # steps are ordinary blocking calls all the same.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    return settings


def unique_handle(name: str) -> str:
    return f"{name}{secrets.token_hex(3)}.test"


@contextmanager
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def guard_loopback(page, stray: list[str]) -> None:
    page.route(
        lambda url: not url.startswith(("http://127.0.0.1:", "http://[::1]:")),
        lambda route: (stray.append(route.request.url), route.abort()),
    )


def sign_in_and_authorize(page) -> None:
    """On the PDS's page (the handle is pre-filled from login_hint): sign in, then allow."""
    page.locator('input[type="password"]').fill(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Authorize").click()


def consent(
    browser: Browser, authorize_url: str, session_id: str, site_url: str, *, to: str = "thanks"
) -> str:
    """Sign in on the PDS and press Authorize, in a browser that carries the session our
    pages started the pledge in; our callback then finishes it. Returns the final page: the
    thank-you page, or with to="callback" whatever the callback answered."""
    context = browser.new_context()
    context.add_cookies([{"name": "sessionid", "value": session_id, "url": site_url}])
    page = context.new_page()
    stray: list[str] = []
    guard_loopback(page, stray)
    page.goto(authorize_url)
    sign_in_and_authorize(page)
    page.wait_for_url("**/thanks/" if to == "thanks" else "**/oauth/bluesky/callback?**")
    content = page.content()
    context.close()
    assert stray == []
    return content


def callback_url_from_consent(browser: Browser, authorize_url: str) -> str:
    """Sign in and Authorize in a browser that never started the pledge; return the callback
    URL the PDS sent it to (our callback refuses that browser: no pending sign-in)."""
    context = browser.new_context()
    page = context.new_page()
    seen: list[str] = []
    page.on(
        "request",
        lambda request: (
            seen.append(request.url) if "/oauth/bluesky/callback?" in request.url else None
        ),
    )
    stray: list[str] = []
    guard_loopback(page, stray)
    page.goto(authorize_url)
    sign_in_and_authorize(page)
    page.wait_for_url("**/oauth/bluesky/callback?**")
    context.close()
    assert stray == []
    return seen[0]


def pledge_form(account: str, language: str = "en", **fields) -> dict:
    return {"account": account, "language": language, "kind": "person"} | fields


def pledge_programmatically(
    browser, campaign, handle: str, language: str = "en", *, to: str = "thanks", **fields
):
    """Our pages through Django's test client, the PDS's consent page through Chromium."""
    client = Client()
    start = client.post(
        reverse("campaigns:pledge_bluesky", kwargs={"slug": campaign.slug}),
        pledge_form(handle, language, **fields),
    )
    assert start.status_code == 302, start.content.decode()[:2000]
    session_id = client.cookies["sessionid"].value
    return consent(browser, start["Location"], session_id, settings.SITE_URL, to=to)


class DPoPProbe:
    """An independent check of a DPoP-bound token: call the PDS with it, as its holder would."""

    def __init__(self, key_pem: str):
        self.key = DPoPKey(key_pem)
        self.nonce: str | None = None

    def call(self, method: str, url: str, *, token: str | None = None, **options):
        with httpx.Client(trust_env=False, timeout=10) as client:
            for _attempt in range(2):
                headers = {
                    "DPoP": self.key.proof(method, url, nonce=self.nonce, access_token=token)
                }
                if token:
                    headers["Authorization"] = f"DPoP {token}"
                response = client.request(method, url, headers=headers, **options)
                self.nonce = response.headers.get("DPoP-Nonce") or self.nonce
                if not needs_nonce(response.status_code, response.headers, response.content):
                    break
        return response

    def session_works(self, pds: str, token: str) -> bool:
        url = f"{pds}/xrpc/com.atproto.server.getSession"
        return self.call("GET", url, token=token).status_code == 200

    def refresh_works(self, pds: str, refresh_token: str, client_id: str) -> bool:
        form = {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": client_id,
        }
        return self.call("POST", f"{pds}/oauth/token", data=form).status_code == 200
