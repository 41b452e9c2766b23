"""Run in separate processes by test_bluesky_session_claim.py: workers racing to refresh.

python -m solidarity.campaigns.tests.refresh_scenario setup SESSION.json
python -m solidarity.campaigns.tests.refresh_scenario race PLEDGE_ID GO_FILE
python -m solidarity.campaigns.tests.refresh_scenario check CAMPAIGN_ID
"""

import json
import os
import secrets
import sys
import time
from pathlib import Path

import django


def bluesky_pledge(campaign, **session):
    """An active Bluesky pledge holding a session (server, account_id, tokens, DPoP key)."""
    from solidarity.campaigns.models import Network, Pledge

    return Pledge.objects.create(
        campaign=campaign,
        network=Network.BLUESKY,
        language="en",
        agreed_version=campaign.current_version(),
        withdraw_secret_hash=secrets.token_hex(32),
        state=Pledge.State.ACTIVE,
        **session,
    )


def setup(session_file: str) -> None:
    from solidarity.campaigns.tests.helpers import solidarity_day

    campaign = solidarity_day(goal=1)
    pledge = bluesky_pledge(campaign, **json.loads(Path(session_file).read_text()))
    print(json.dumps({"campaign": campaign.pk, "pledge": pledge.pk}))


def race(pledge_id: int, go_file: str) -> None:
    """Read the pledge as a worker would, then refresh it the moment GO_FILE appears."""
    from solidarity.campaigns.models import Pledge
    from solidarity.campaigns.networks.bluesky.sessions import refresh_sessions

    pledge = Pledge.objects.get(pk=pledge_id)
    print("ready", flush=True)
    while not os.path.exists(go_file):
        time.sleep(0.001)
    session = refresh_sessions([pledge])[pledge.pk]
    account = session.account
    print(
        json.dumps(
            {
                "spent": session.spent,
                "access_token": str(account.access_token) if account else None,
                "reason": session.reason,
            }
        )
    )


def check(campaign_id: int) -> None:
    """What the race left behind, then a pre-flight on it."""
    from django.db import connection

    from solidarity.campaigns.engine.preflight import run_preflight
    from solidarity.campaigns.models import Campaign

    campaign = Campaign.objects.get(pk=campaign_id)
    pledge = campaign.pledges.get()
    left = {
        "access_token": str(pledge.access_token),
        "claimed": pledge.session_refresh_until is not None,
    }
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            left["journal_mode"] = cursor.execute("PRAGMA journal_mode").fetchone()[0]
    counts = run_preflight(campaign)
    pledge.refresh_from_db()
    after = {"counts": counts, "state": pledge.state, "access_token": str(pledge.access_token)}
    print(json.dumps({"left": left, "after": after}))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "solidarity.settings")
    django.setup()
    if sys.argv[1] == "setup":
        setup(sys.argv[2])
    elif sys.argv[1] == "race":
        race(int(sys.argv[2]), sys.argv[3])
    else:
        check(int(sys.argv[2]))
