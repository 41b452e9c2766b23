"""Closed networks: a reminder pledge counts as a supporter and gets an email at the moment,
with the message and ready share links, in the supporter's language."""

import asyncio
import urllib.parse
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from solidarity.campaigns import actions
from solidarity.campaigns.engine.moment import EngineSettings, run_moment
from solidarity.campaigns.models import Delivery, Pledge
from solidarity.campaigns.tests.helpers import FREE_ALES, arm_now, solidarity_day
from solidarity.campaigns.tests.pledging import reminder_form

FAST = EngineSettings(request_timeout=3, lease=timedelta(seconds=5), refresh_every=0.2)
LINK = "https://viasna.example/free-ales"
RU_TEXT = "#Беларусь: Алесь Беляцкий в заключении за защиту прав человека #FreeAles"


def pledge_reminder(client, campaign, email="ira@example.org", **fields):
    url = reverse("campaigns:pledge_reminder", kwargs={"slug": campaign.slug})
    return client.post(url, reminder_form(email, **fields), follow=True)


@pytest.mark.django_db(transaction=True)
def test_a_reminder_pledge_gets_an_email_with_share_links_at_the_moment(client):
    campaign = solidarity_day(slug="remind", link=LINK, texts={"en": FREE_ALES, "ru": RU_TEXT})
    thanks = pledge_reminder(client, campaign, language="ru")
    assert thanks.status_code == 200
    assert "/thunderclaps/withdraw/" in thanks.content.decode()
    pledge = Pledge.objects.get(campaign=campaign)
    assert pledge.network == "reminder" and pledge.email == "ira@example.org"
    with connection.cursor() as cursor:
        cursor.execute("SELECT email FROM campaigns_pledge WHERE id = %s", [pledge.pk])
        assert "ira@example.org" not in cursor.fetchone()[0]
    assert actions.count_supporters(campaign) == 1
    mail.outbox.clear()

    campaign = arm_now(campaign, moment=None)
    asyncio.run(run_moment(campaign.pk, FAST))

    assert Delivery.objects.get(pledge=pledge).state == Delivery.State.POSTED
    [message] = mail.outbox
    assert message.to == ["ira@example.org"]
    assert RU_TEXT in message.body
    assert LINK in message.body
    shares = {
        line.split(": ", 1)[0]: line.split(": ", 1)[1]
        for line in message.body.splitlines()
        if line.startswith(("X: ", "Facebook: ", "LinkedIn: ", "Telegram: ", "Email: "))
    }
    assert set(shares) == {"X", "Facebook", "LinkedIn", "Telegram", "Email"}
    tweet = urllib.parse.parse_qs(urllib.parse.urlsplit(shares["X"]).query)["text"][0]
    assert tweet == f"{RU_TEXT}\n\n{LINK}"
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(shares["Facebook"]).query)["u"] == [LINK]
    assert shares["Email"].startswith("mailto:?subject=")

    actions.release_campaign(campaign)
    assert Pledge.objects.get(pk=pledge.pk).email == ""


@pytest.mark.django_db
def test_a_reminder_pledge_needs_a_valid_email(client):
    campaign = solidarity_day(slug="remind-bad")
    answer = pledge_reminder(client, campaign, email="not an address")
    assert answer.status_code == 400
    assert "Enter a valid email address" in answer.content.decode()
    assert not Pledge.objects.exists()


@pytest.mark.django_db
def test_a_listed_name_must_be_given(client):
    campaign = solidarity_day(slug="remind-name")
    answer = pledge_reminder(client, campaign, listed_publicly="on", display_name="")
    assert answer.status_code == 400
    assert "Give the name to list" in answer.content.decode()
    assert not Pledge.objects.exists()


@pytest.mark.django_db
def test_no_pledges_after_the_deadline(client):
    campaign = solidarity_day(slug="remind-late")
    arm_now(campaign)
    answer = pledge_reminder(client, campaign)
    assert answer.status_code == 400
    assert "no longer takes pledges" in answer.content.decode()
    assert not Pledge.objects.filter(campaign=campaign).exists()
