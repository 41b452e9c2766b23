"""Connecting a supporter's Mastodon account: app registration, OAuth with PKCE, who they are.

Every request goes to an address the supporter typed, so every request goes through
`solidarity.core.safe_http` (checked at connect time and on every redirect). That is why this
module speaks the Mastodon API with safe_http's httpx client rather than through Mastodon.py:
Mastodon.py sends its requests with `requests`, whose connections would bypass the pinned,
checked addresses, and its `auth_request_url` cannot carry a PKCE code challenge. The calls
are few and small (register an app, read instance limits, swap a code, verify credentials).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import ipaddress
import math
import secrets
import time
import urllib.parse
from dataclasses import dataclass

import httpx
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from solidarity.campaigns.models import Network, ServerApp
from solidarity.campaigns.networks import http as classify
from solidarity.campaigns.networks.mastodon import text as mastodon_text
from solidarity.core import safe_http

# The least that lets us post and read the follower count (for reach); nothing else.
SCOPES = "write:statuses read:accounts"
# A campaign with an image also needs to upload it. The app is registered with both, since a
# server refuses an authorisation asking for more than its app registration named.
IMAGE_SCOPES = SCOPES + " write:media"
CLIENT_NAME = "Solidarity Thunderclap"
REGISTRATION_PAUSE_KEY = "mastodon:registration-paused:{server}"


class ServerProblem(Exception):
    """The server cannot be used for a pledge; `message` is for the supporter."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Limits:
    max_characters: int = mastodon_text.DEFAULT_MAX_CHARACTERS
    characters_per_url: int = mastodon_text.DEFAULT_CHARACTERS_PER_URL


@dataclass(frozen=True)
class Me:
    account_id: str
    username: str
    followers: int


# --- Addresses -------------------------------------------------------------------------------


def base_url(server: str, policy: safe_http.Policy) -> str:
    """The base URL for a normalised server. Real servers speak HTTPS only; plain HTTP is for
    the loopback test servers, admitted only by the test setting."""
    host, _port = safe_http.split_server(server)
    scheme = "https"
    if policy.allow_http and _is_loopback(host):
        scheme = "http"
    return f"{scheme}://{server}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return safe_http.is_plain_loopback(ipaddress.ip_address(host))
    except ValueError:
        return False


def _json(response: httpx.Response) -> dict:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _unreachable() -> ServerProblem:
    return ServerProblem(
        _("We could not reach this server, or it does not speak the Mastodon API. Try again later.")
    )


def _get(client: httpx.Client, url: str, **options) -> httpx.Response:
    try:
        return safe_http.fetch(client, "GET", url, **options)
    except httpx.HTTPError as error:
        raise _unreachable() from error


def _post(client: httpx.Client, url: str, **options) -> httpx.Response:
    try:
        return safe_http.fetch(client, "POST", url, **options)
    except httpx.HTTPError as error:
        raise _unreachable() from error


# --- What the server allows ------------------------------------------------------------------


def instance_limits(client: httpx.Client, base: str) -> Limits:
    """Max characters and link weight from /api/v2/instance, else /api/v1/instance."""
    for path in ("/api/v2/instance", "/api/v1/instance"):
        response = _get(client, base + path)
        if response.status_code == 200:
            return _limits_from(_json(response))
    raise _unreachable()


def _limits_from(info: dict) -> Limits:
    statuses = (info.get("configuration") or {}).get("statuses") or {}
    maximum = statuses.get("max_characters") or info.get("max_toot_chars")
    per_url = statuses.get("characters_reserved_per_url")
    try:
        return Limits(
            int(maximum or mastodon_text.DEFAULT_MAX_CHARACTERS),
            int(per_url if per_url is not None else mastodon_text.DEFAULT_CHARACTERS_PER_URL),
        )
    except (TypeError, ValueError):
        return Limits()


def supports_pkce(client: httpx.Client, base: str) -> bool:
    """Whether the server advertises S256 in its OAuth metadata (Mastodon 4.3 and later)."""
    try:
        response = _get(client, base + "/.well-known/oauth-authorization-server")
    except ServerProblem:
        return False
    methods = _json(response).get("code_challenge_methods_supported") or []
    return response.status_code == 200 and "S256" in methods


# --- Our app on that server, registered once --------------------------------------------------


class RegistrationPaused(ServerProblem):
    def __init__(self, seconds: float) -> None:
        minutes = max(1, math.ceil(seconds / 60))
        super().__init__(
            ngettext(
                "This server is limiting new connections. Try again in %(minutes)d minute.",
                "This server is limiting new connections. Try again in %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes}
        )


def server_app(client: httpx.Client, base: str, redirect_uri: str) -> ServerApp:
    """Our OAuth client on this server: the stored one, or registered now (once)."""
    app = ServerApp.objects.filter(network=Network.MASTODON, server=base).first()
    if app and app.redirect_uri == redirect_uri:
        return app
    paused_until = cache.get(REGISTRATION_PAUSE_KEY.format(server=base))
    if paused_until and paused_until > time.time():
        # The server told us to wait: we wait, rather than ask again for every visitor.
        raise RegistrationPaused(paused_until - time.time())
    client_id, client_secret = _register(client, base, redirect_uri)
    try:
        with transaction.atomic():
            app, _created = ServerApp.objects.update_or_create(
                network=Network.MASTODON,
                server=base,
                defaults={
                    "redirect_uri": redirect_uri,
                    "client_id": client_id,
                    "client_secret": client_secret,
                },
            )
    except IntegrityError:
        # Another supporter's request registered at the same time; theirs is as good.
        app = ServerApp.objects.get(network=Network.MASTODON, server=base)
    return app


def _register(client: httpx.Client, base: str, redirect_uri: str) -> tuple[str, str]:
    response = _post(
        client,
        base + "/api/v1/apps",
        data={
            "client_name": CLIENT_NAME,
            "redirect_uris": redirect_uri,
            "scopes": IMAGE_SCOPES,
        },
    )
    if response.status_code == 429:
        seconds = classify.retry_delay(response.headers) or 300.0
        cache.set(
            REGISTRATION_PAUSE_KEY.format(server=base),
            time.time() + seconds,
            timeout=math.ceil(seconds),
        )
        raise RegistrationPaused(seconds)
    answer = _json(response)
    if response.status_code != 200 or not answer.get("client_id"):
        raise _unreachable()
    return str(answer["client_id"]), str(answer.get("client_secret") or "")


# --- The authorisation ------------------------------------------------------------------------


def new_state() -> str:
    return secrets.token_urlsafe(32)


def new_code_verifier() -> str:
    return secrets.token_urlsafe(64)  # 86 characters, within RFC 7636's 43..128


def code_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def scopes_for(with_image: bool) -> str:
    return IMAGE_SCOPES if with_image else SCOPES


def authorize_url(
    base: str,
    app: ServerApp,
    state: str,
    verifier: str | None,
    language: str,
    scopes: str = SCOPES,
) -> str:
    """Mastodon serves authorisation at /oauth/authorize; we do not follow an endpoint the
    server's metadata names, so a server cannot send the supporter somewhere else."""
    params = {
        "client_id": app.client_id,
        "response_type": "code",
        "redirect_uri": app.redirect_uri,
        "scope": scopes,
        "state": state,
        "lang": language,
    }
    if verifier:
        params |= {"code_challenge": code_challenge(verifier), "code_challenge_method": "S256"}
    return f"{base}/oauth/authorize?{urllib.parse.urlencode(params)}"


def exchange_code(
    client: httpx.Client,
    base: str,
    app: ServerApp,
    code: str,
    verifier: str | None,
    scopes: str = SCOPES,
) -> str:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": app.client_id,
        "client_secret": app.client_secret,
        "redirect_uri": app.redirect_uri,
        "scope": scopes,
    }
    if verifier:
        form["code_verifier"] = verifier
    response = _post(client, base + "/oauth/token", data=form)
    token = _json(response).get("access_token")
    if response.status_code != 200 or not token:
        raise ServerProblem(_("The server did not confirm the authorisation. Please try again."))
    return str(token)


def verify_credentials(client: httpx.Client, base: str, token: str) -> Me:
    response = _get(
        client,
        base + "/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {token}"},
    )
    me = _json(response)
    if response.status_code != 200 or not me.get("id"):
        raise ServerProblem(_("The server did not tell us which account you connected."))
    try:
        followers = max(int(me.get("followers_count") or 0), 0)
    except (TypeError, ValueError):
        followers = 0
    return Me(str(me["id"]), str(me.get("username") or ""), followers)


def revoke(client: httpx.Client, base: str, app: ServerApp, token: str) -> None:
    """Give a token back at once, e.g. when the pledge could not be recorded after all."""
    form = {"client_id": app.client_id, "client_secret": app.client_secret, "token": token}
    # If this fails nothing is stored here, and the supporter can revoke it in their settings.
    with contextlib.suppress(httpx.HTTPError, safe_http.RefusedAddress):
        safe_http.fetch(client, "POST", base + "/oauth/revoke", data=form)
