"""The warned fallback: a session from an app password, for servers without OAuth.

The app password itself is used for this one login and never stored; we keep the session's
tokens, like an OAuth grant. The atproto SDK makes the request, but through an httpx
transport from `safe_http`, so the PDS address from the supporter's documents is checked at
connect time like every other.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import httpx
from atproto import Client
from atproto_client.exceptions import AtProtocolError, UnauthorizedError
from atproto_client.request import Request
from django.utils.translation import gettext_lazy as _

from solidarity.campaigns.networks.bluesky import identity
from solidarity.core import safe_http

WRONG_PASSWORD = _("Your server did not accept this handle and app password.")
LOGIN_FAILED = _("We could not sign in at your server. Please try again later.")


class LoginError(Exception):
    def __init__(self, message, detail: str = ""):
        super().__init__(str(message))
        self.message = message
        self.detail = detail


@dataclass(frozen=True)
class Session:
    did: str
    handle: str
    pds: str
    access_token: str
    refresh_token: str


def log_in(target: identity.Target, login: str, app_password: str) -> Session:
    request = Request(
        transport=safe_http.SafeTransport(safe_http.Policy.from_settings()),
        trust_env=False,
        timeout=identity.TIMEOUT,
    )
    client = Client(base_url=target.pds, request=request)
    try:
        # No profile lookup: it would go to an AppView, which a self-hosted PDS may not have.
        client.login(login, app_password, fetch_bsky_profile=False)
    except UnauthorizedError as error:
        raise LoginError(WRONG_PASSWORD, str(error)) from error
    except AtProtocolError as error:
        raise LoginError(LOGIN_FAILED, str(error)) from error
    finally:
        request.close()
    session = client._session  # the SDK's only record of the tokens it was given
    if target.did and session.did != target.did:
        raise LoginError(WRONG_PASSWORD, f"{session.did} is not {target.did}")
    return Session(
        did=session.did,
        handle=session.handle,
        pds=target.pds,
        access_token=session.access_jwt,
        refresh_token=session.refresh_jwt,
    )


def log_out(session: Session) -> None:
    """End a session we will not use (deleteSession kills its refresh token)."""
    # If it fails, its refresh token stays alive until it expires; its access token, hours.
    with (
        identity.safe_client() as client,
        contextlib.suppress(httpx.HTTPError, safe_http.RefusedAddress),
    ):
        safe_http.fetch(
            client,
            "POST",
            f"{session.pds}/xrpc/com.atproto.server.deleteSession",
            headers={"Authorization": f"Bearer {session.refresh_token}"},
        )
