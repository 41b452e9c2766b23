"""A handle, a DID or a server address that would make us call a private address is refused
with a message, before any connection to it.

The socket layer is guarded (network_guard): only loopback may be reached, and no DNS asked.
Loopback servers are NOT admitted here, as in production. The did:plc directory and the
handle resolver are services the operator configures, so a stand-in for them runs on
loopback; what they publish (a supporter's DID document) is hostile.
"""

import http.server
import json
import threading
import urllib.parse

import pytest
from django.urls import reverse

from solidarity.campaigns.models import Pledge
from solidarity.campaigns.tests.helpers import solidarity_day

pytestmark = pytest.mark.django_db

HOSTILE_DID = "did:plc:" + "a" * 24
LOCALHOST_DID = "did:plc:" + "b" * 24
NOT_PUBLIC = "This server&#x27;s address is not public"


class IdentityDirectory(http.server.ThreadingHTTPServer):
    """A stand-in PLC directory and handle resolver that publish hostile documents."""

    HANDLES = {"evil.test": HOSTILE_DID, "sly.test": LOCALHOST_DID}
    PDS = {HOSTILE_DID: "https://10.0.0.1", LOCALHOST_DID: "https://localhost:4443"}

    def __init__(self):
        directory = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urllib.parse.urlsplit(self.path)
                if parts.path == "/xrpc/com.atproto.identity.resolveHandle":
                    handle = urllib.parse.parse_qs(parts.query)["handle"][0]
                    body = {"did": directory.HANDLES[handle]}
                else:
                    did = parts.path.lstrip("/")
                    handle = next(h for h, d in directory.HANDLES.items() if d == did)
                    body = {
                        "id": did,
                        "alsoKnownAs": [f"at://{handle}"],
                        "service": [
                            {
                                "id": "#atproto_pds",
                                "type": "AtprotoPersonalDataServer",
                                "serviceEndpoint": directory.PDS[did],
                            }
                        ],
                    }
                payload = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def directory(settings):
    server = IdentityDirectory()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.SOLIDARITY_ALLOW_LOOPBACK_SERVERS = False
    settings.SOLIDARITY_PLC_URL = server.url
    settings.SOLIDARITY_BLUESKY_HANDLE_RESOLVER = server.url
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("https://10.0.0.1", NOT_PUBLIC),
        ("https://169.254.169.254", NOT_PUBLIC),
        ("https://192.168.0.1", NOT_PUBLIC),
        ("https://127.0.0.1:2583", NOT_PUBLIC),
        ("https://localhost", NOT_PUBLIC),
        ("https://[::1]", NOT_PUBLIC),
        ("https://[fd00::1]", NOT_PUBLIC),
        ("https://[::ffff:127.0.0.1]", "This does not look like a server address"),
        ("http://pds.example", "not a secure web address"),
        ("did:web:169.254.169.254", NOT_PUBLIC),
        ("evil.test", NOT_PUBLIC),  # its DID document names https://10.0.0.1
        ("sly.test", NOT_PUBLIC),  # its DID document names https://localhost:4443
        ("not a handle", "Type your Bluesky handle"),
    ],
)
def test_hostile_addresses_are_refused_without_a_connection(
    client, directory, network_guard, typed, message
):
    campaign = solidarity_day(slug="bsky-hostile")
    url = reverse("campaigns:pledge_bluesky", kwargs={"slug": campaign.slug})

    answer = client.post(url, {"account": typed, "language": "en", "kind": "person"})

    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not Pledge.objects.exists()
    # Only the operator's directory was contacted (if at all): nothing the supporter named.
    assert set(network_guard.connected_ports()) <= {directory.server_address[1]}
    assert network_guard.lookups == []
