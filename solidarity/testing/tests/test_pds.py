"""The loopback Bluesky PDS behaves like the real network in the ways the Thunderclap engine needs.

These tests also pin down facts the engine relies on (what a repeated record key answers, what
revoking a session does and does not stop), so an upgrade of the PDS that changes them fails here.
"""

import base64
import json
import re
import urllib.request

import pytest
from atproto import Client, models
from atproto_client.exceptions import RequestException

from solidarity.testing.bluesky import XRPCError, new_tid, procedure, query

PASSWORD = "correct horse battery staple"
POST = "app.bsky.feed.post"
TEXT = "Free Aleś Bialiacki, jailed for defending #humanrights #FreeAles"


def hashtag_facets(text: str) -> list[dict]:
    """Tag facets with the UTF-8 byte offsets Bluesky expects (not character offsets)."""
    facets = []
    for match in re.finditer(r"#(\w+)", text):
        start = len(text[: match.start()].encode())
        end = start + len(match.group(0).encode())
        facets.append(
            {
                "index": {"byteStart": start, "byteEnd": end},
                "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": match.group(1)}],
            }
        )
    return facets


def post_record(text: str = TEXT) -> dict:
    return {
        "$type": POST,
        "text": text,
        "createdAt": "2026-08-04T09:00:00.000Z",
        "langs": ["en"],
        "facets": hashtag_facets(text),
    }


def logged_in_client(pds, handle: str) -> Client:
    client = Client(base_url=pds.url)
    # There is no AppView behind this PDS, so the profile lookup login does by default would fail.
    profile = client.login(handle, PASSWORD, fetch_bsky_profile=False)
    assert profile is None
    return client


def create_post(client: Client, rkey: str, record: dict):
    data = models.ComAtprotoRepoCreateRecord.Data(
        repo=client._session.did, collection=POST, rkey=rkey, record=record
    )
    return client.com.atproto.repo.create_record(data)


def jwt_claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_pds_is_healthy_and_registers_accounts_in_its_own_plc(bluesky_pds):
    account = bluesky_pds.create_account("alice.test", PASSWORD)

    assert query(bluesky_pds.url, "_health") == {}
    assert account.handle == "alice.test"
    assert account.did.startswith("did:plc:")
    with urllib.request.urlopen(f"{bluesky_pds.plc_url}/{account.did}", timeout=10) as response:
        did_document = json.load(response)
    assert did_document["service"][0]["serviceEndpoint"] == bluesky_pds.url
    assert bluesky_pds.url.startswith("http://127.0.0.1:")


def test_sdk_logs_in_without_fetching_a_profile(bluesky_pds):
    account = bluesky_pds.create_account("bob.test", PASSWORD)

    client = logged_in_client(bluesky_pds, "bob.test")

    assert client.me is None
    assert client._session.did == account.did
    assert client._session.handle == "bob.test"


def test_post_with_a_record_key_chosen_in_advance_keeps_facets_and_language(bluesky_pds):
    bluesky_pds.create_account("carol.test", PASSWORD)
    client = logged_in_client(bluesky_pds, "carol.test")
    rkey = new_tid()

    created = create_post(client, rkey, post_record())
    stored = query(
        bluesky_pds.url,
        "com.atproto.repo.getRecord",
        {"repo": client._session.did, "collection": POST, "rkey": rkey},
    )

    assert created.uri == f"at://{client._session.did}/{POST}/{rkey}"
    assert stored["value"]["text"] == TEXT
    assert stored["value"]["langs"] == ["en"]
    tags = [
        TEXT.encode()[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode()
        for f in stored["value"]["facets"]
    ]
    assert tags == ["#humanrights", "#FreeAles"]
    # "ś" takes two bytes, so byte offsets differ from character offsets here.
    assert stored["value"]["facets"][0]["index"]["byteStart"] == TEXT.index("#") + 1


def test_a_second_create_with_the_same_record_key_fails_and_leaves_the_first(bluesky_pds):
    bluesky_pds.create_account("dasha.test", PASSWORD)
    client = logged_in_client(bluesky_pds, "dasha.test")
    rkey = new_tid()
    first = create_post(client, rkey, post_record())

    with pytest.raises(RequestException) as refused:
        create_post(client, rkey, post_record("a different text #FreeAles"))

    # The PDS answers a bare 500, not a named conflict: a sender must treat it like any 5xx
    # (outcome unknown) and look the record key up, which finds the first post.
    assert refused.value.response.status_code == 500
    assert refused.value.response.content.error == "InternalServerError"
    posts = query(
        bluesky_pds.url,
        "com.atproto.repo.listRecords",
        {"repo": client._session.did, "collection": POST},
    )["records"]
    assert [(p["uri"], p["cid"], p["value"]["text"]) for p in posts] == [
        (first.uri, first.cid, TEXT)
    ]


def test_deleting_a_session_stops_its_refresh_token_but_not_its_access_token(bluesky_pds):
    account = bluesky_pds.create_account("erik.test", PASSWORD)
    session = procedure(
        bluesky_pds.url,
        "com.atproto.server.createSession",
        {"identifier": "erik.test", "password": PASSWORD},
    )

    procedure(bluesky_pds.url, "com.atproto.server.deleteSession", token=session["refreshJwt"])

    with pytest.raises(XRPCError) as refused:
        procedure(bluesky_pds.url, "com.atproto.server.refreshSession", token=session["refreshJwt"])
    assert (refused.value.status, refused.value.error) == (400, "ExpiredToken")
    # Access tokens are stateless JWTs: the old one keeps working until it expires, two hours
    # after it was issued. Only OAuth tokens (checked against the store) die at revocation.
    still = query(bluesky_pds.url, "com.atproto.server.getSession", token=session["accessJwt"])
    assert still["did"] == account.did
    claims = jwt_claims(session["accessJwt"])
    assert claims["exp"] - claims["iat"] == 2 * 60 * 60


def test_a_revoked_app_password_can_no_longer_log_in_or_refresh(bluesky_pds):
    account = bluesky_pds.create_account("fiona.test", PASSWORD)
    app_password = procedure(
        bluesky_pds.url,
        "com.atproto.server.createAppPassword",
        {"name": "solidarity"},
        token=account.access_jwt,
    )["password"]
    login = {"identifier": "fiona.test", "password": app_password}
    session = procedure(bluesky_pds.url, "com.atproto.server.createSession", login)

    # The app-password session itself may revoke its own password: no main password needed.
    procedure(
        bluesky_pds.url,
        "com.atproto.server.revokeAppPassword",
        {"name": "solidarity"},
        token=session["accessJwt"],
    )

    with pytest.raises(XRPCError) as no_login:
        procedure(bluesky_pds.url, "com.atproto.server.createSession", login)
    assert (no_login.value.status, no_login.value.error) == (401, "AuthenticationRequired")
    with pytest.raises(XRPCError) as no_refresh:
        procedure(bluesky_pds.url, "com.atproto.server.refreshSession", token=session["refreshJwt"])
    assert (no_refresh.value.status, no_refresh.value.error) == (400, "ExpiredToken")
    listed = query(bluesky_pds.url, "com.atproto.server.listAppPasswords", token=account.access_jwt)
    assert listed["passwords"] == []


def test_oauth_is_served_with_par_pkce_and_dpop(bluesky_pds):
    def well_known(name: str) -> dict:
        url = f"{bluesky_pds.url}/.well-known/{name}"
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.load(response)

    resource = well_known("oauth-protected-resource")
    server = well_known("oauth-authorization-server")

    assert resource["authorization_servers"] == [bluesky_pds.url]
    assert server["issuer"] == bluesky_pds.url
    assert server["pushed_authorization_request_endpoint"] == f"{bluesky_pds.url}/oauth/par"
    assert server["require_pushed_authorization_requests"] is True
    assert server["code_challenge_methods_supported"] == ["S256"]
    assert "ES256" in server["dpop_signing_alg_values_supported"]
    assert server["revocation_endpoint"] == f"{bluesky_pds.url}/oauth/revoke"
    assert {"atproto", "transition:generic"} <= set(server["scopes_supported"])


def test_put_record_with_a_null_swap_creates_once_and_names_the_conflict(bluesky_pds):
    account = bluesky_pds.create_account("galina.test", PASSWORD)
    rkey = new_tid()

    def put(record: dict) -> dict:
        # swapRecord: null means "only if nothing is at this key yet".
        body = {"repo": account.did, "collection": POST, "rkey": rkey, "record": record}
        return procedure(
            bluesky_pds.url,
            "com.atproto.repo.putRecord",
            {**body, "swapRecord": None},
            token=account.access_jwt,
        )

    first = put(post_record())
    # A retry of the very same record is a no-op that answers the same post, without a commit.
    again = put(post_record())
    with pytest.raises(XRPCError) as conflict:
        put(post_record("a different text #FreeAles"))

    assert first["uri"] == f"at://{account.did}/{POST}/{rkey}"
    assert "commit" in first
    assert (again["uri"], again["cid"]) == (first["uri"], first["cid"])
    assert "commit" not in again
    assert (conflict.value.status, conflict.value.error) == (400, "InvalidSwap")
    assert conflict.value.message == f"Record was at {first['cid']}"
