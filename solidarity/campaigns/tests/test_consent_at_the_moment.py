"""Consent is binding at the moment: each supporter posts the text they agreed to, or nothing."""

import asyncio
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from solidarity.campaigns import actions
from solidarity.campaigns.engine.moment import EngineSettings, run_moment
from solidarity.campaigns.models import Delivery
from solidarity.campaigns.tests.helpers import FREE_ALES, arm_now, pledge_mastodon, solidarity_day
from solidarity.testing.mastodon import LocalMastodon

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("loopback_servers")]

FAST = EngineSettings(request_timeout=3, lease=timedelta(seconds=5), refresh_every=0.2)
EDITED = FREE_ALES + " #Viasna"


@pytest.fixture(scope="module")
def server():
    with LocalMastodon() as mastodon:
        yield mastodon


def posted_text(server, user) -> str:
    [status] = server.statuses_of(user)
    return status["content"]


def test_an_edit_posts_only_for_those_who_confirmed_it(server):
    campaign = solidarity_day(goal=3, slug="consent-edit")
    kept, confirmed = server.create_user("kept"), server.create_user("confirmed")
    pledge_mastodon(campaign, server, kept, email="kept@example.org")
    confirming = pledge_mastodon(campaign, server, confirmed).pledge

    actions.do_publish_version(campaign, {"en": EDITED})
    assert [m.to for m in mail.outbox] == [["kept@example.org"]]  # told, asked to confirm
    actions.do_confirm_version(confirming)
    late = server.create_user("late")
    pledge_mastodon(campaign, server, late)  # pledges to the new text straight away

    campaign = arm_now(campaign, moment=timezone.now() + timedelta(seconds=1))
    asyncio.run(run_moment(campaign.pk, FAST))

    assert "#Viasna" not in posted_text(server, kept)
    assert "#FreeAles" in posted_text(server, kept)
    assert "#Viasna" in posted_text(server, confirmed)
    assert "#Viasna" in posted_text(server, late)


def test_a_withdrawn_text_posts_nothing_for_those_who_did_not_confirm_another(server):
    campaign = solidarity_day(goal=1, slug="consent-withdrawn")
    silent, confirmed = server.create_user("silent"), server.create_user("agreed-again")
    pledge_mastodon(campaign, server, silent)
    confirming = pledge_mastodon(campaign, server, confirmed).pledge
    first = campaign.current_version()

    actions.do_publish_version(campaign, {"en": EDITED})
    actions.do_withdraw_version(first)
    actions.do_confirm_version(confirming)
    campaign = arm_now(campaign, moment=timezone.now() + timedelta(seconds=1))
    asyncio.run(run_moment(campaign.pk, FAST))

    assert server.statuses_of(silent) == []
    assert "#Viasna" in posted_text(server, confirmed)
    assert Delivery.objects.filter(campaign=campaign).count() == 1
