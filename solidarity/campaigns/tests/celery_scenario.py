"""Run in separate processes by test_celery_moment.py, against its scratch database.

python -m solidarity.campaigns.tests.celery_scenario setup USERS.json SECONDS_TO_MOMENT
python -m solidarity.campaigns.tests.celery_scenario enqueue CAMPAIGN_ID
python -m solidarity.campaigns.tests.celery_scenario status CAMPAIGN_ID
"""

import json
import os
import sys
from datetime import timedelta

import django


class Server:
    def __init__(self, url: str):
        self.url = url


class User:
    def __init__(self, record: dict):
        self.id, self.username = record["id"], record["username"]
        self.access_token = record["access_token"]


def setup(users_file: str, seconds: float) -> None:
    from django.utils import timezone

    from solidarity.campaigns.tests.helpers import arm_now, pledge_mastodon, solidarity_day

    campaign = solidarity_day(goal=1, slug="celery", give_up_after=timedelta(minutes=5))
    with open(users_file) as users:
        for record in json.load(users):
            pledge_mastodon(campaign, Server(record["server"]), User(record))
    campaign = arm_now(campaign, moment=timezone.now() + timedelta(seconds=seconds))
    print(json.dumps({"campaign": campaign.pk, "state": campaign.state}))


def enqueue(campaign_id: int) -> None:
    """One moment through `tick` (as the scheduler does), one straight to a worker."""
    from solidarity.campaigns.tasks import send_moment, tick

    tick.delay()
    send_moment.delay(campaign_id)


def status(campaign_id: int) -> None:
    from django.db.models import Count

    from solidarity.campaigns.models import Campaign, Delivery

    by_state = dict(
        Delivery.objects.filter(campaign_id=campaign_id)
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    state = Campaign.objects.get(pk=campaign_id).state
    print(json.dumps({"state": state, "deliveries": by_state}))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "solidarity.settings")
    django.setup()
    command, argument = sys.argv[1], sys.argv[2]
    if command == "setup":
        setup(argument, float(sys.argv[3]))
    elif command == "enqueue":
        enqueue(int(argument))
    else:
        status(int(argument))
