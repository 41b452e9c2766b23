"""A Bluesky refresh token is spent by one process only (Pledge.session_refresh_until).

An OAuth server that sees a refresh token spent twice ends the whole session, so two workers
refreshing one pledge at once would leave it broken. On the real local PDS: two worker
processes race on one OAuth session; a claim whose holder died is taken over; a claim whose
holder is alive is left to it, by the preflight and by the refresh before the moment.
"""

import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from solidarity.campaigns.engine.preflight import run_preflight
from solidarity.campaigns.models import Pledge
from solidarity.campaigns.networks.bluesky import sessions
from solidarity.campaigns.tests.bluesky_helpers import (
    PASSWORD,
    DPoPProbe,
    bluesky_settings,  # noqa: F401 (a fixture)
    chromium,
    ipv6_live_server,  # noqa: F401 (a fixture)
    pledge_programmatically,
    unique_handle,
)
from solidarity.campaigns.tests.helpers import arm_now, solidarity_day
from solidarity.campaigns.tests.refresh_scenario import bluesky_pledge
from solidarity.testing.bluesky import query
from solidarity.testing.databases import scratch_database

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("bluesky_settings"),
]
ROOT = Path(__file__).resolve().parents[3]
SCENARIO = "solidarity.campaigns.tests.refresh_scenario"


def run(env, *args):
    result = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def oauth_session(bluesky_pds) -> dict:
    """A real OAuth grant (our pages, the PDS's consent in Chromium), as a pledge holds it."""
    campaign = solidarity_day(slug="bsky-claim-grant")
    handle = unique_handle("race")
    bluesky_pds.create_account(handle, PASSWORD)
    with chromium() as browser:
        pledge_programmatically(browser, campaign, handle)
    pledge = Pledge.objects.get(campaign=campaign)
    fields = ("server", "account_id", "access_token", "refresh_token", "dpop_private_key")
    return {field: str(getattr(pledge, field)) for field in fields}


def session_pledge(bluesky_pds, name: str) -> Pledge:
    """An active pledge with a password session (a 2-hour access token, Bearer), armed with
    the moment three hours ahead: refresh_expiring wants a fresh token for it."""
    account = bluesky_pds.create_account(unique_handle(name), PASSWORD)
    campaign = solidarity_day(slug=f"bsky-{name}", moment=timezone.now() + timedelta(hours=3))
    pledge = bluesky_pledge(
        campaign,
        server=bluesky_pds.url,
        account_id=account.did,
        access_token=account.access_jwt,
        refresh_token=account.refresh_jwt,
    )
    arm_now(campaign, moment=timezone.now() + timedelta(hours=3))
    return pledge


def session_works(pds_url: str, access_token: str) -> bool:
    return bool(query(pds_url, "com.atproto.server.getSession", token=access_token).get("did"))


def test_two_workers_refreshing_one_session_at_once_spend_its_refresh_token_once(
    bluesky_pds, tmp_path
):
    session = oauth_session(bluesky_pds)
    (tmp_path / "session.json").write_text(json.dumps(session))
    with scratch_database(tmp_path, "refresh") as database_url:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SITE_URL": settings.SITE_URL,  # the OAuth client id the grant was made for
            "SOLIDARITY_ALLOW_LOOPBACK_SERVERS": "true",
        }
        run(env, "manage.py", "migrate", "-v0")
        ids = json.loads(run(env, "-m", SCENARIO, "setup", str(tmp_path / "session.json")))
        go = tmp_path / "go"
        workers = []
        for number in range(2):
            log = open(tmp_path / f"worker{number}.log", "w")  # noqa: SIM115
            command = [sys.executable, "-m", SCENARIO, "race", str(ids["pledge"]), str(go)]
            workers.append(
                subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=log)
            )
        for worker in workers:  # both have read the pledge and wait at the line
            assert worker.stdout.readline() == b"ready\n", (tmp_path / "worker0.log").read_text()
        go.touch()
        outcomes = [json.loads(worker.communicate(timeout=120)[0]) for worker in workers]
        refreshed = outcomes[0]["access_token"]
        assert refreshed and refreshed != session["access_token"], outcomes
        # One worker spent the refresh token; the other never asked the PDS and took its pair.
        assert sorted(outcome["spent"] for outcome in outcomes) == [False, True], outcomes
        assert outcomes[1]["access_token"] == refreshed
        probe = DPoPProbe(session["dpop_private_key"])
        assert probe.session_works(session["server"], refreshed)

        # The pre-flight refreshes once more (so the saved refresh token works: a replayed one
        # would have ended the whole session) and finds the pledge ready.
        report = json.loads(run(env, "-m", SCENARIO, "check", str(ids["campaign"])))
    assert report["left"]["access_token"] == refreshed
    assert report["left"]["claimed"] is False
    if database_url.startswith("sqlite"):
        assert report["left"]["journal_mode"] == "wal"  # writers wait (busy_timeout), readers never
    assert report["after"]["counts"] == {"ready": 1, "broken": 0}
    assert report["after"]["state"] == Pledge.State.ACTIVE
    assert report["after"]["access_token"] != refreshed
    assert probe.session_works(session["server"], report["after"]["access_token"])


def test_a_claim_whose_holder_died_is_taken_over(bluesky_pds):
    pledge = session_pledge(bluesky_pds, "claim-stale")
    old_refresh = str(pledge.refresh_token)
    # A worker claimed the refresh and was killed before it ended: its claim has run out.
    Pledge.objects.filter(pk=pledge.pk).update(
        session_refresh_until=timezone.now() - timedelta(seconds=1)
    )

    assert sessions.refresh_expiring(pledge.campaign_id) == 1

    pledge.refresh_from_db()
    assert pledge.session_refresh_until is None
    # (A password session's access token is a JWT of the second it was made: it may repeat.)
    assert str(pledge.refresh_token) != old_refresh
    assert session_works(bluesky_pds.url, pledge.access_token)


def test_a_session_another_worker_is_refreshing_is_left_to_it(bluesky_pds, monkeypatch):
    monkeypatch.setattr(sessions, "WAIT", 0.5)
    pledge = session_pledge(bluesky_pds, "claim-held")
    old_access, old_refresh = str(pledge.access_token), str(pledge.refresh_token)
    held = timezone.now() + sessions.LEASE
    Pledge.objects.filter(pk=pledge.pk).update(session_refresh_until=held)

    started = time.monotonic()
    assert sessions.refresh_expiring(pledge.campaign_id) == 0
    # The preflight gives no verdict on a session it could not refresh: not broken, no email.
    assert run_preflight(pledge.campaign) == {"ready": 0, "broken": 0}
    waited = time.monotonic() - started

    assert 2 * sessions.WAIT <= waited < 2 * sessions.WAIT + 10
    pledge.refresh_from_db()
    assert (str(pledge.access_token), str(pledge.refresh_token)) == (old_access, old_refresh)
    assert pledge.session_refresh_until == held
    assert pledge.state == Pledge.State.ACTIVE

    # Once the holder lets go without a new pair (its refresh failed), the next one refreshes.
    Pledge.objects.filter(pk=pledge.pk).update(session_refresh_until=None)
    assert run_preflight(pledge.campaign) == {"ready": 1, "broken": 0}
    pledge.refresh_from_db()
    assert str(pledge.refresh_token) != old_refresh
    assert session_works(bluesky_pds.url, pledge.access_token)
