"""Run in a separate process by test_crash.py: set a 2,000-pledge moment up, report on it.

python -m solidarity.campaigns.tests.crash_scenario setup USERS.json SECONDS_TO_MOMENT
python -m solidarity.campaigns.tests.crash_scenario status
"""

import json
import os
import sys
from datetime import timedelta

import django


def setup(users_file: str, seconds: float) -> None:
    from django.utils import timezone

    from solidarity.campaigns.models import Campaign
    from solidarity.campaigns.tests.helpers import arm_now, pledge_mastodon, solidarity_day

    class Server:
        def __init__(self, url):
            self.url = url

    class User:
        def __init__(self, record):
            self.id, self.username = record["id"], record["username"]
            self.access_token = record["access_token"]

    campaign = solidarity_day(goal=1, give_up_after=timedelta(minutes=10))
    for record in json.loads(open(users_file).read()):  # noqa: SIM115
        pledge_mastodon(campaign, Server(record["server"]), User(record))
    arm_now(campaign, moment=timezone.now() + timedelta(seconds=seconds))
    print(
        json.dumps({"campaign": campaign.pk, "state": Campaign.objects.get(pk=campaign.pk).state})
    )


def status() -> None:
    from django.db.models import Count

    from solidarity.campaigns.models import Campaign, Delivery

    campaign = Campaign.objects.get()
    by_state = dict(Delivery.objects.values_list("state").annotate(n=Count("pk")))
    print(json.dumps({"state": campaign.state, "deliveries": by_state}))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "solidarity.settings")
    django.setup()
    if sys.argv[1] == "setup":
        setup(sys.argv[2], float(sys.argv[3]))
    else:
        status()
