"""Bluesky OAuth on the loopback PDS, end to end: PAR, PKCE, DPoP, the PDS's own sign-in page
driven by Chromium, the token exchange, a post, and revocation that takes effect at once.

The client is the atproto "loopback client" (client_id http://localhost?...), which the PDS accepts
without fetching metadata; a real deployment uses an https client_id serving its metadata instead.
"""

import base64
import hashlib
import http.server
import json
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, utils
from playwright.sync_api import sync_playwright

from solidarity.testing.bluesky import new_tid

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
SCOPE = "atproto transition:generic"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class DPoPClient:
    """Just enough of an OAuth client: DPoP proofs (ES256) and the server's nonce, retried once."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        numbers = self.key.public_key().public_numbers()
        self.jwk = {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url(numbers.x.to_bytes(32, "big")),
            "y": b64url(numbers.y.to_bytes(32, "big")),
        }
        self.nonce = None

    def proof(self, method: str, url: str, access_token: str | None) -> str:
        header = {"typ": "dpop+jwt", "alg": "ES256", "jwk": self.jwk}
        claims = {
            "jti": secrets.token_urlsafe(16),
            "htm": method,
            "htu": url,
            "iat": int(time.time()),
        }
        if self.nonce:
            claims["nonce"] = self.nonce
        if access_token:
            claims["ath"] = b64url(hashlib.sha256(access_token.encode()).digest())
        signing_input = (
            f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
        )
        der = self.key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256()))
        r, s = utils.decode_dss_signature(der)
        return f"{signing_input}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"

    def call(self, method, url, *, form=None, body=None, token=None) -> tuple[int, dict]:
        status, answer = 0, {}
        for _attempt in range(2):  # the first call of each server may ask for its DPoP nonce
            request = urllib.request.Request(url, method=method)
            request.add_header("DPoP", self.proof(method, url, token))
            if form is not None:
                request.data = urllib.parse.urlencode(form).encode()
                request.add_header("Content-Type", "application/x-www-form-urlencoded")
            if body is not None:
                request.data = json.dumps(body).encode()
                request.add_header("Content-Type", "application/json")
            if token:
                request.add_header("Authorization", f"DPoP {token}")
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    self.nonce = response.headers.get("DPoP-Nonce") or self.nonce
                    return response.status, json.loads(response.read() or b"{}")
            except urllib.error.HTTPError as error:
                self.nonce = error.headers.get("DPoP-Nonce") or self.nonce
                status, answer = error.code, json.loads(error.read() or b"{}")
                if answer.get("error") != "use_dpop_nonce":
                    break
        return status, answer


class Callback(http.server.ThreadingHTTPServer):
    """The client's redirect_uri on a free loopback port; remembers the query it was sent."""

    def __init__(self):
        self.query: dict[str, str] = {}
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                if url.path == "/bluesky/callback":  # not the browser's /favicon.ico after it
                    outer.query = dict(urllib.parse.parse_qsl(url.query))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}/bluesky/callback"
        threading.Thread(target=self.serve_forever, daemon=True).start()


def sign_in_and_authorize(authorize_url: str) -> list[str]:
    """Fill the PDS's sign-in page (login_hint has filled the handle) and press Authorize."""
    stray: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.route(
            lambda url: not url.startswith("http://127.0.0.1:"),
            lambda route: (stray.append(route.request.url), route.abort()),
        )
        page.goto(authorize_url)
        page.locator('input[type="password"]').fill(PASSWORD)
        page.keyboard.press("Enter")
        page.get_by_role("button", name="Authorize").click()
        page.wait_for_load_state("load")
        page.wait_for_url("**/bluesky/callback?**")
        browser.close()
    return stray


def test_oauth_with_par_pkce_and_dpop_posts_and_revocation_is_immediate(bluesky_pds):
    account = bluesky_pds.create_account("olga.test", PASSWORD)
    callback = Callback()
    client_id = "http://localhost?" + urllib.parse.urlencode(
        {"redirect_uri": callback.url, "scope": SCOPE}
    )
    verifier = secrets.token_urlsafe(48)
    state = secrets.token_urlsafe(16)
    client = DPoPClient()
    base = bluesky_pds.url

    status, par = client.call(
        "POST",
        f"{base}/oauth/par",
        form={
            "client_id": client_id,
            "response_type": "code",
            "redirect_uri": callback.url,
            "scope": SCOPE,
            "state": state,
            "login_hint": "olga.test",
            "code_challenge": b64url(hashlib.sha256(verifier.encode()).digest()),
            "code_challenge_method": "S256",
        },
    )
    assert status == 201, par
    query = urllib.parse.urlencode({"client_id": client_id, "request_uri": par["request_uri"]})
    assert sign_in_and_authorize(f"{base}/oauth/authorize?{query}") == []
    callback.shutdown()
    assert callback.query["state"] == state
    assert callback.query["iss"] == base

    status, tokens = client.call(
        "POST",
        f"{base}/oauth/token",
        form={
            "grant_type": "authorization_code",
            "code": callback.query["code"],
            "redirect_uri": callback.url,
            "client_id": client_id,
            "code_verifier": verifier,
        },
    )
    assert status == 200, tokens
    assert (tokens["token_type"], tokens["sub"], tokens["scope"]) == ("DPoP", account.did, SCOPE)
    access = tokens["access_token"]

    rkey = new_tid()
    record = {
        "$type": "app.bsky.feed.post",
        "text": "#FreeAles",
        "langs": ["en"],
        "createdAt": "2026-08-04T09:00:00.000Z",
    }
    status, created = client.call(
        "POST",
        f"{base}/xrpc/com.atproto.repo.createRecord",
        token=access,
        body={
            "repo": account.did,
            "collection": "app.bsky.feed.post",
            "rkey": rkey,
            "record": record,
        },
    )
    assert status == 200, created
    assert created["uri"].endswith(f"/app.bsky.feed.post/{rkey}")

    status, _ = client.call(
        "POST", f"{base}/oauth/revoke", form={"token": access, "client_id": client_id}
    )
    assert status == 200
    # The PDS checks OAuth access tokens against its store ("stateful" mode), so revoking one
    # stops it at once, and its refresh token with it: unlike a deleteSession'd legacy session.
    status, answer = client.call("GET", f"{base}/xrpc/com.atproto.server.getSession", token=access)
    assert (status, answer["error"]) == (401, "invalid_token")
    status, answer = client.call(
        "POST",
        f"{base}/oauth/token",
        form={
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": client_id,
        },
    )
    assert (status, answer["error"]) == (400, "invalid_grant")
