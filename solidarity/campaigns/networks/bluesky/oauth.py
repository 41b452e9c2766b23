"""atproto OAuth for pledging: PAR, PKCE (S256) and DPoP-bound tokens.

The supporter's PDS names its authorization server; we push the request there (PAR), send
the supporter's browser to its sign-in page, and exchange the code for tokens bound to a key
made for this pledge. Everything here talks to addresses the supporter's documents name, so
it all goes through `solidarity.core.safe_http`.

Our client is public (token_endpoint_auth_method "none"). Its client_id is the URL of our
metadata, `SITE_URL/oauth/client-metadata.json`; a loopback deployment (tests, a laptop) uses
atproto's loopback client id `http://localhost?redirect_uri=...&scope=...`, which the server
accepts without fetching anything, because an https client_id cannot name 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import secrets
import time
import urllib.parse
from dataclasses import asdict, dataclass

import httpx
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from solidarity.campaigns.networks.bluesky import identity
from solidarity.campaigns.networks.bluesky.dpop import DPoPKey, b64url, needs_nonce
from solidarity.core import safe_http
from solidarity.core import secrets as stored

# Only what the platform does with the access, in atproto's permission scopes: create the one
# post (at a record key fixed in advance), upload the campaign image, and have the
# supporter's own server fetch their follower count from the AppView. A server that does
# not know these scopes yet gets the transitional one that every PDS grants.
POST_SCOPE = "repo:app.bsky.feed.post?action=create"
IMAGE_SCOPE = "blob:image/*"
TRANSITIONAL_SCOPE = "transition:generic"
METADATA_PATH = "/oauth/client-metadata.json"
CALLBACK_PATH = "/oauth/bluesky/callback"
PENDING_LIFETIME = 15 * 60  # seconds a supporter has to sign in at their server
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}

NOT_BLUESKY = _("This server does not offer Bluesky sign-in (OAuth), so we cannot use it.")
SIGN_IN_FAILED = _("Your server did not complete the sign-in. Please try again.")
DECLINED = _("You did not authorise posting, so nothing was pledged.")
WRONG_ACCOUNT = _("You signed in with a different account than the one you typed.")


class OAuthError(Exception):
    """The OAuth flow could not go on; `message` is for the supporter."""

    def __init__(self, message, detail: str = ""):
        super().__init__(f"{message} ({detail})" if detail else str(message))
        self.message = message
        self.detail = detail


# --- Who we are ------------------------------------------------------------------------


def _site() -> urllib.parse.SplitResult:
    return urllib.parse.urlsplit(settings.SITE_URL)


def is_loopback_deployment() -> bool:
    return (_site().hostname or "") in LOOPBACK_HOSTS


def redirect_uri() -> str:
    site = _site()
    if is_loopback_deployment():
        # atproto loopback clients must name 127.0.0.1 or [::1] (not "localhost") in
        # redirect URIs.
        host = "[::1]" if site.hostname == "::1" else "127.0.0.1"
        return f"http://{host}:{site.port or 80}{CALLBACK_PATH}"
    return f"{settings.SITE_URL}{CALLBACK_PATH}"


def _reach_scope() -> list[str]:
    appview = settings.SOLIDARITY_BLUESKY_APPVIEW
    if not appview:
        return []
    return [f"rpc:app.bsky.actor.getProfile?aud={urllib.parse.quote(appview, safe=':')}"]


def scope_for(with_image: bool) -> str:
    """The scope a pledge asks for: posting, the image if the campaign has one, reach."""
    return " ".join(
        ["atproto", POST_SCOPE, *([IMAGE_SCOPE] if with_image else []), *_reach_scope()]
    )


def client_scope() -> str:
    """Every scope this client may ask for (its metadata), the transitional one included."""
    return f"{scope_for(with_image=True)} {TRANSITIONAL_SCOPE}"


def client_id() -> str:
    if is_loopback_deployment():
        query = urllib.parse.urlencode({"redirect_uri": redirect_uri(), "scope": client_scope()})
        return f"http://localhost?{query}"
    return f"{settings.SITE_URL}{METADATA_PATH}"


def client_metadata() -> dict:
    return {
        "client_id": client_id(),
        "client_name": "Solidarity",
        "client_uri": settings.SITE_URL,
        "application_type": "web",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "redirect_uris": [redirect_uri()],
        "scope": client_scope(),
        "token_endpoint_auth_method": "none",
        "dpop_bound_access_tokens": True,
    }


# --- Requests with a DPoP proof --------------------------------------------------------

# The latest nonce each server gave us, by origin. Servers accept a nonce for a few minutes,
# so sharing it across pledges spares most requests the first use_dpop_nonce round trip.
_nonces: dict[str, str] = {}


def origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def remember_nonce(url: str, headers) -> None:
    if nonce := headers.get("DPoP-Nonce"):
        _nonces[origin(url)] = nonce


def nonce_for(url: str) -> str | None:
    return _nonces.get(origin(url))


def dpop_request(
    client: httpx.Client,
    key: DPoPKey,
    method: str,
    url: str,
    *,
    access_token: str | None = None,
    **options,
) -> httpx.Response:
    """One request with a DPoP proof; resent once if the server asks for its nonce first."""
    response = None
    for _attempt in range(2):
        headers = {"DPoP": key.proof(method, url, nonce=nonce_for(url), access_token=access_token)}
        if access_token:
            headers["Authorization"] = f"DPoP {access_token}"
        response = safe_http.fetch(client, method, url, headers=headers, **options)
        remember_nonce(url, response.headers)
        if not needs_nonce(response.status_code, response.headers, response.content):
            return response
    return response


# --- Finding the authorization server --------------------------------------------------


@dataclass(frozen=True)
class AuthServer:
    issuer: str
    par_endpoint: str
    authorization_endpoint: str
    token_endpoint: str
    revocation_endpoint: str = ""


def _same_origin(url: str, issuer: str) -> str:
    # Endpoints on another origin than the issuer would be one more address to trust.
    if not isinstance(url, str) or origin(url) != origin(issuer):
        raise OAuthError(NOT_BLUESKY, f"endpoint {url!r} outside {issuer}")
    return url


def discover(client: httpx.Client, pds: str) -> AuthServer:
    """The authorization server that guards a PDS, from their published metadata."""
    try:
        resource = identity.read_json(
            safe_http.fetch(client, "GET", f"{pds}/.well-known/oauth-protected-resource")
        )
        servers = resource.get("authorization_servers") or []
        if not servers or not isinstance(servers[0], str):
            raise OAuthError(NOT_BLUESKY, f"{pds} names no authorization server")
        issuer = identity.pds_url(servers[0])
        meta = identity.read_json(
            safe_http.fetch(client, "GET", f"{issuer}/.well-known/oauth-authorization-server")
        )
    except identity.IdentityError as error:
        raise OAuthError(NOT_BLUESKY, error.detail) from error
    except httpx.HTTPError as error:
        raise OAuthError(NOT_BLUESKY, f"{pds}: {type(error).__name__}") from error
    if meta.get("issuer") != issuer:
        raise OAuthError(NOT_BLUESKY, f"issuer {meta.get('issuer')!r} is not {issuer}")
    if "S256" not in (meta.get("code_challenge_methods_supported") or []):
        raise OAuthError(NOT_BLUESKY, "no PKCE S256")
    if "ES256" not in (meta.get("dpop_signing_alg_values_supported") or []):
        raise OAuthError(NOT_BLUESKY, "no DPoP ES256")
    revocation = meta.get("revocation_endpoint")
    return AuthServer(
        issuer=issuer,
        par_endpoint=_same_origin(meta.get("pushed_authorization_request_endpoint"), issuer),
        authorization_endpoint=_same_origin(meta.get("authorization_endpoint"), issuer),
        token_endpoint=_same_origin(meta.get("token_endpoint"), issuer),
        revocation_endpoint=_same_origin(revocation, issuer) if revocation else "",
    )


# --- The flow --------------------------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    """A started sign-in, kept in the supporter's browser session until the callback."""

    state: str
    verifier: str
    dpop_key: str  # encrypted PEM: even a session row never holds the key in clear
    pds: str
    issuer: str
    token_endpoint: str
    did: str
    handle: str
    started: float

    def as_session(self) -> dict:
        return asdict(self)

    @classmethod
    def from_session(cls, data: dict) -> Pending:
        return cls(**data)

    @property
    def expired(self) -> bool:
        return time.time() - self.started > PENDING_LIFETIME


@dataclass(frozen=True)
class Started:
    pending: Pending
    authorize_url: str


@dataclass(frozen=True)
class Grant:
    did: str
    handle: str
    pds: str
    access_token: str
    refresh_token: str
    dpop_key: str  # PEM, in clear: for the Pledge field, which encrypts it
    expires_in: int


def challenge(verifier: str) -> str:
    return b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def start(target: identity.Target, with_image: bool = False) -> Started:
    """Push the authorization request (PAR) and return where to send the browser."""
    from solidarity.campaigns.networks.bluesky.dpop import new_private_key

    key_pem = new_private_key()
    key = DPoPKey(key_pem)
    verifier, state = secrets.token_urlsafe(48), secrets.token_urlsafe(24)
    form = {
        "client_id": client_id(),
        "response_type": "code",
        "redirect_uri": redirect_uri(),
        "scope": scope_for(with_image),
        "state": state,
        "code_challenge": challenge(verifier),
        "code_challenge_method": "S256",
    }
    if target.handle or target.did:
        form["login_hint"] = target.handle or target.did
    with identity.safe_client() as client:
        server = discover(client, target.pds)
        response = dpop_request(client, key, "POST", server.par_endpoint, data=form)
        if _json_or_empty(response).get("error") == "invalid_scope":
            # A server that predates permission scopes: the narrowest it grants is this.
            form["scope"] = f"atproto {TRANSITIONAL_SCOPE}"
            response = dpop_request(client, key, "POST", server.par_endpoint, data=form)
    body = _json_or_empty(response)
    if response.status_code not in (200, 201) or not isinstance(body.get("request_uri"), str):
        raise OAuthError(SIGN_IN_FAILED, f"PAR HTTP {response.status_code} {body.get('error')}")
    query = urllib.parse.urlencode({"client_id": client_id(), "request_uri": body["request_uri"]})
    pending = Pending(
        state=state,
        verifier=verifier,
        dpop_key=stored.encrypt(key_pem),
        pds=target.pds,
        issuer=server.issuer,
        token_endpoint=server.token_endpoint,
        did=target.did,
        handle=target.handle,
        started=time.time(),
    )
    return Started(pending, f"{server.authorization_endpoint}?{query}")


def finish(pending: Pending, params: dict[str, str]) -> Grant:
    """The callback: check the issuer, exchange the code, and check whose account it is.

    The caller has already matched `state` against the browser's session.
    """
    if params.get("error"):
        raise OAuthError(DECLINED, params["error"])
    if pending.expired:
        raise OAuthError(SIGN_IN_FAILED, "the sign-in took too long")
    if params.get("iss") != pending.issuer:
        raise OAuthError(SIGN_IN_FAILED, f"iss {params.get('iss')!r} is not {pending.issuer}")
    key_pem = str(stored.decrypt(pending.dpop_key))
    form = {
        "grant_type": "authorization_code",
        "code": params.get("code", ""),
        "redirect_uri": redirect_uri(),
        "client_id": client_id(),
        "code_verifier": pending.verifier,
    }
    with identity.safe_client() as client:
        response = dpop_request(client, DPoPKey(key_pem), "POST", pending.token_endpoint, data=form)
    tokens = _checked_tokens(response)
    did = tokens["sub"]
    if pending.did and did != pending.did:
        raise OAuthError(WRONG_ACCOUNT, f"{did} is not {pending.did}")
    handle = _verify_subject(did, pending)
    return Grant(
        did=did,
        handle=handle or pending.handle,
        pds=pending.pds,
        access_token=tokens["access_token"],
        refresh_token=tokens.get("refresh_token", ""),
        dpop_key=key_pem,
        expires_in=int(tokens.get("expires_in") or 0),
    )


def _verify_subject(did: str, pending: Pending) -> str:
    """The account must live on the PDS whose authorization server answered (atproto's rule).

    Otherwise any server could claim to sign in any DID. Returns the handle its document names.
    """
    try:
        document = identity.did_document(did)
        pds = identity.pds_of(document)
    except identity.IdentityError as error:
        raise OAuthError(SIGN_IN_FAILED, error.detail) from error
    if pds != pending.pds:
        with identity.safe_client() as client:
            if discover(client, pds).issuer != pending.issuer:
                raise OAuthError(SIGN_IN_FAILED, f"{did} is not served by {pending.issuer}")
    return identity.handle_of(document)


def _json_or_empty(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _checked_tokens(response: httpx.Response) -> dict:
    tokens = _json_or_empty(response)
    if response.status_code != 200:
        raise OAuthError(SIGN_IN_FAILED, f"token HTTP {response.status_code} {tokens.get('error')}")
    if str(tokens.get("token_type", "")).lower() != "dpop":
        raise OAuthError(SIGN_IN_FAILED, "the tokens are not DPoP-bound")
    if "atproto" not in str(tokens.get("scope", "")).split():
        raise OAuthError(SIGN_IN_FAILED, f"scope {tokens.get('scope')!r}")
    if not isinstance(tokens.get("access_token"), str) or not str(tokens.get("sub", "")).startswith(
        "did:"
    ):
        raise OAuthError(SIGN_IN_FAILED, "no access token or subject")
    return tokens


# --- After the pledge: refresh and revoke ----------------------------------------------


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str


def refresh(pds: str, refresh_token: str, key_pem: str) -> Tokens:
    """A new access token (and, as the server rotates them, a new refresh token)."""
    key = DPoPKey(key_pem)
    with identity.safe_client() as client:
        server = discover(client, pds)
        response = dpop_request(
            client,
            key,
            "POST",
            server.token_endpoint,
            data={
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
                "client_id": client_id(),
            },
        )
    tokens = _checked_tokens(response)
    return Tokens(tokens["access_token"], tokens.get("refresh_token") or refresh_token)


def revoke(pds: str, tokens: Tokens, key_pem: str) -> None:
    """Revoke both tokens at the authorization server (RFC 7009 answers 200 even if unknown)."""
    key = DPoPKey(key_pem)
    with identity.safe_client() as client:
        server = discover(client, pds)
        if not server.revocation_endpoint:
            return
        for token in (tokens.refresh_token, tokens.access_token):
            if token:
                response = dpop_request(
                    client,
                    key,
                    "POST",
                    server.revocation_endpoint,
                    data={"token": token, "client_id": client_id()},
                )
                if response.status_code >= 500:
                    response.raise_for_status()
