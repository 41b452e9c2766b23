"""Pre-flight before the moment: broken access is found early and its supporter told."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from solidarity.campaigns.engine import worker
from solidarity.campaigns.models import Campaign, Pledge
from solidarity.campaigns.tests.helpers import pledge_mastodon, solidarity_day
from solidarity.testing.mastodon import LocalMastodon

pytestmark = pytest.mark.usefixtures("loopback_servers")


@pytest.mark.django_db(transaction=True)
def test_the_day_before_check_marks_revoked_access_broken_and_asks_to_reconnect(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with LocalMastodon() as server:
        campaign = solidarity_day(
            goal=1, slug="checked", moment=timezone.now() + timedelta(hours=3)
        )
        users = [server.create_user(f"p{n}") for n in range(3)]
        for n, user in enumerate(users):
            pledge_mastodon(campaign, server, user, email=f"p{n}@example.org")
        # The third supporter revoked our access at their server.
        server.revoke(users[2])

        worker.run_due_preflights()
        worker.run_due_preflights()  # already done: nothing is checked twice

    states = dict(Pledge.objects.values_list("handle", "state"))
    assert states == {"p0": "active", "p1": "active", "p2": "broken"}
    assert [message.to for message in mail.outbox] == [["p2@example.org"]]
    campaign.refresh_from_db()
    assert campaign.checked_day_before_at is not None
    assert campaign.checked_hour_before_at is None  # three hours ahead: not yet
    followers = {p.handle: p.followers_count for p in Pledge.objects.all()}
    assert followers == {"p0": 0, "p1": 0, "p2": None}  # counted where the access works


@pytest.mark.django_db(transaction=True)
def test_no_check_right_before_the_moment_delays_it():
    campaign = solidarity_day(goal=1, slug="imminent", moment=timezone.now() + timedelta(minutes=2))
    worker.run_due_preflights()
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert campaign.checked_day_before_at and campaign.checked_hour_before_at


@pytest.mark.django_db(transaction=True)
def test_a_pledge_withdrawn_during_the_checks_stays_withdrawn(settings):
    from solidarity.campaigns.engine.preflight import _record
    from solidarity.campaigns.networks.base import Reach

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with LocalMastodon() as server:
        campaign = solidarity_day(slug="withdrawn-meanwhile")
        pledged = pledge_mastodon(
            campaign, server, server.create_user("leaving"), email="leaving@example.org"
        )
        checked = Pledge.objects.get(pk=pledged.pledge.pk)  # as the pre-flight read it
        Pledge.objects.filter(pk=checked.pk).update(state=Pledge.State.WITHDRAWN)

        counts = {"ready": 0, "broken": 0}
        _record(checked, Reach(False, reason="the access was revoked"), timezone.now(), counts)

    assert Pledge.objects.get(pk=checked.pk).state == Pledge.State.WITHDRAWN
    assert counts == {"ready": 0, "broken": 0}
    assert mail.outbox == []
