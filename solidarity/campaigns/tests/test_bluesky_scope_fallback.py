"""A server that predates atproto's permission scopes is asked for the transitional one.

The local PDS knows permission scopes (test_bluesky_oauth_pledge shows the narrow grant), so
an older authorization server is played here by a loopback server that knows only
`atproto` and `transition:*`, and refuses anything else with `invalid_scope`, as such a
server does.
"""

import json
import urllib.parse
from http.server import BaseHTTPRequestHandler

import pytest

from solidarity.campaigns.networks.bluesky import identity, oauth
from solidarity.testing.loopback import LoopbackServer

pytestmark = pytest.mark.usefixtures("loopback_servers")
KNOWN = {"atproto", "transition:generic", "transition:chat.bsky", "transition:email"}


class OlderAuthorizationServer(LoopbackServer):
    def __init__(self):
        server = self
        self.asked: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/.well-known/oauth-protected-resource":
                    return self._json(200, {"authorization_servers": [server.url]})
                if self.path == "/.well-known/oauth-authorization-server":
                    return self._json(200, server.metadata())
                return self._json(404, {"error": "not_found"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                scope = form.get("scope", [""])[0]
                server.asked.append(scope)
                if set(scope.split()) - KNOWN:
                    return self._json(400, {"error": "invalid_scope"})
                return self._json(201, {"request_uri": "urn:ietf:params:oauth:request_uri:1"})

            def log_message(self, *args):
                pass

        super().__init__(Handler)

    def metadata(self) -> dict:
        return {
            "issuer": self.url,
            "pushed_authorization_request_endpoint": f"{self.url}/oauth/par",
            "authorization_endpoint": f"{self.url}/oauth/authorize",
            "token_endpoint": f"{self.url}/oauth/token",
            "code_challenge_methods_supported": ["S256"],
            "dpop_signing_alg_values_supported": ["ES256"],
            "scopes_supported": sorted(KNOWN),
        }


def test_an_older_server_is_asked_for_the_transitional_scope_after_refusing_ours(settings):
    settings.SITE_URL = "http://localhost:8123"
    with OlderAuthorizationServer() as server:
        started = oauth.start(identity.Target(pds=server.url), with_image=True)

    narrow, fallback = server.asked
    assert narrow == oauth.scope_for(with_image=True)
    assert "repo:app.bsky.feed.post?action=create" in narrow.split()
    assert "blob:image/*" in narrow.split()
    assert fallback == "atproto transition:generic"
    assert started.authorize_url.startswith(f"{server.url}/oauth/authorize?")


def test_the_image_scope_is_asked_for_only_when_the_campaign_has_an_image(settings):
    settings.SOLIDARITY_BLUESKY_APPVIEW = ""  # reach not asked: no rpc scope either
    assert oauth.scope_for(with_image=False) == "atproto repo:app.bsky.feed.post?action=create"
    assert oauth.scope_for(with_image=True).split()[-1] == "blob:image/*"
