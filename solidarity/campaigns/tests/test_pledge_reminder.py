"""Closed networks: a reminder pledge counts as a supporter once its address confirms it, and
gets an email at the moment, with the message and ready share links, in the supporter's
language. Until then it counts for nothing and gets no other email."""

import asyncio
import re
import urllib.parse
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

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


def confirmation_link(message) -> str:
    """The path of the link in a confirmation email."""
    url = re.search(r"^http\S+/reminder/confirm/\S+/$", message.body, re.MULTILINE)[0]
    return urllib.parse.urlsplit(url).path


def confirm(client, message):
    return client.post(confirmation_link(message), follow=True)


@pytest.mark.django_db(transaction=True)
def test_a_confirmed_reminder_gets_an_email_with_share_links_at_the_moment(client):
    campaign = solidarity_day(slug="remind", link=LINK, texts={"en": FREE_ALES, "ru": RU_TEXT})
    sent = pledge_reminder(client, campaign, language="ru")
    assert sent.status_code == 200
    assert "Check your inbox" in sent.content.decode()
    [asked] = mail.outbox
    assert asked.to == ["ira@example.org"]
    assert "/ru/" in confirmation_link(asked)  # in the supporter's language
    thanks = confirm(client, asked)
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
def test_a_reminder_counts_only_once_confirmed_and_opening_the_link_confirms_nothing(client):
    campaign = solidarity_day(slug="remind-confirm")
    pledge_reminder(client, campaign)
    pledge = Pledge.objects.get(campaign=campaign)
    assert pledge.state == Pledge.State.PENDING
    assert actions.count_supporters(campaign) == 0
    assert client.get(campaign.get_absolute_url()).context["support"].count == 0
    [asked] = mail.outbox
    assert "Confirm your reminder" in asked.subject

    # A mail scanner, or the supporter, opens the link: a page with a button, nothing more.
    page = client.get(confirmation_link(asked))
    assert page.status_code == 200
    assert "Confirm my reminder" in page.content.decode()
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    assert page["Cache-Control"] == "no-store"
    assert Pledge.objects.get(pk=pledge.pk).state == Pledge.State.PENDING
    assert actions.count_supporters(campaign) == 0

    thanks = confirm(client, asked)

    assert thanks.status_code == 200
    assert Pledge.objects.get(pk=pledge.pk).state == Pledge.State.ACTIVE
    assert actions.count_supporters(campaign) == 1
    assert client.get(campaign.get_absolute_url()).context["support"].count == 1
    assert len(mail.outbox) == 1  # nothing else was sent
    # Once only: the link was used.
    again = client.post(confirmation_link(asked))
    assert again.status_code == 400
    assert "already used" in again.content.decode()


@pytest.mark.django_db
def test_the_confirmation_needs_a_post_with_csrf(client):
    from django.test import Client

    campaign = solidarity_day(slug="remind-csrf")
    pledge_reminder(client, campaign)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(confirmation_link(mail.outbox[0])).status_code == 403
    assert Pledge.objects.get(campaign=campaign).state == Pledge.State.PENDING


@pytest.mark.django_db
def test_the_answer_does_not_tell_whether_the_address_was_enrolled(client):
    campaign = solidarity_day(slug="remind-same")
    first = pledge_reminder(client, campaign)
    confirm(client, mail.outbox[0])
    cache.clear()  # later than CONFIRMATION_PAUSE
    again = pledge_reminder(client, campaign)
    other = pledge_reminder(client, campaign, email="someone-else@example.org")

    assert first.redirect_chain == again.redirect_chain == other.redirect_chain
    assert first.content == again.content == other.content
    assert [m.to for m in mail.outbox] == [["ira@example.org"]] * 2 + [["someone-else@example.org"]]


@pytest.mark.django_db(transaction=True)
def test_one_address_gets_one_confirmation_email_in_a_while(client):
    campaign = solidarity_day(slug="remind-flood")
    answers = [
        pledge_reminder(client, campaign, email=f"{case}@example.org")
        for case in (
            "ira",
            "IRA",
            "ira",
        )
    ]

    assert [m.to for m in mail.outbox] == [["ira@example.org"]]
    assert Pledge.objects.filter(campaign=campaign).count() == 1
    assert len({answer.content for answer in answers}) == 1  # the page says nothing of it


@pytest.mark.django_db(transaction=True)
def test_confirming_the_same_address_again_replaces_the_earlier_reminder(client):
    campaign = solidarity_day(slug="remind-twice")
    pledge_reminder(client, campaign)
    confirm(client, mail.outbox[0])
    cache.clear()  # later than CONFIRMATION_PAUSE
    pledge_reminder(client, campaign, email="IRA@example.org", language="en")

    thanks = confirm(client, mail.outbox[1])

    assert "Your earlier reminder for this address was replaced" in thanks.content.decode()
    old, new = Pledge.objects.filter(campaign=campaign).order_by("pk")
    assert (old.state, old.email) == (Pledge.State.WITHDRAWN, "")
    assert new.state == Pledge.State.ACTIVE
    assert actions.count_supporters(campaign) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("cut", ["altered", "truncated", "other-salt"])
def test_an_altered_link_is_refused_clearly_and_changes_nothing(client, cut):
    from django.core import signing

    campaign = solidarity_day(slug=f"remind-{cut}")
    pledge_reminder(client, campaign)
    link = confirmation_link(mail.outbox[0])
    token = link.rstrip("/").rsplit("/", 1)[1]
    pledge = Pledge.objects.get(campaign=campaign)
    forged = {
        # Another pledge's id, with this link's timestamp and signature.
        "altered": signing.b64_encode(str(pledge.pk + 1).encode()).decode()
        + token[token.index(":") :],
        "truncated": token[:-4],
        "other-salt": signing.dumps(pledge.pk, salt="solidarity.other"),
    }[cut]
    bad = link.replace(token, forged)

    for answer in (client.get(bad), client.post(bad)):
        assert answer.status_code == 400
        assert "This confirmation link is not valid" in answer.content.decode()
    assert Pledge.objects.get(pk=pledge.pk).state == Pledge.State.PENDING
    assert actions.count_supporters(campaign) == 0


@pytest.mark.django_db
def test_an_expired_link_is_refused_and_changes_nothing(client):
    campaign = solidarity_day(slug="remind-expired", moment=timezone.now() + timedelta(days=10))
    pledge_reminder(client, campaign)
    link = confirmation_link(mail.outbox[0])

    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        for answer in (client.get(link), client.post(link)):
            assert answer.status_code == 400
            assert "This confirmation link has expired" in answer.content.decode()

    assert Pledge.objects.get(campaign=campaign).state == Pledge.State.PENDING
    assert actions.count_supporters(campaign) == 0


@pytest.mark.django_db
def test_a_link_opened_after_pledges_closed_confirms_nothing(client):
    campaign = solidarity_day(slug="remind-closed")
    pledge_reminder(client, campaign, email="late@example.org")
    pledge_reminder(client, campaign)
    confirm(client, mail.outbox[1])
    arm_now(campaign)

    answer = client.post(confirmation_link(mail.outbox[0]))

    assert answer.status_code == 400
    assert "no longer takes pledges" in answer.content.decode()
    late = Pledge.objects.get(campaign=campaign, state=Pledge.State.PENDING)
    assert not Delivery.objects.filter(pledge=late).exists()
    assert actions.count_supporters(campaign) == 1


@pytest.mark.django_db(transaction=True)
def test_an_unconfirmed_reminder_gets_nothing_at_the_moment_and_is_erased(client):
    campaign = solidarity_day(slug="remind-unconfirmed")
    pledge_reminder(client, campaign, email="stranger@example.org")
    pledge_reminder(client, campaign, email="ira@example.org")
    confirm(client, mail.outbox[1])
    mail.outbox.clear()

    campaign = arm_now(campaign)
    asyncio.run(run_moment(campaign.pk, FAST))

    assert [message.to for message in mail.outbox] == [["ira@example.org"]]
    unconfirmed = Pledge.objects.get(campaign=campaign, state=Pledge.State.PENDING)
    assert not Delivery.objects.filter(pledge=unconfirmed).exists()
    actions.release_campaign(campaign)
    assert Pledge.objects.get(pk=unconfirmed.pk).email == ""


@pytest.mark.django_db
def test_an_unconfirmed_reminder_is_not_told_that_the_goal_was_missed(client):
    campaign = solidarity_day(slug="remind-goal", goal=5)
    pledge_reminder(client, campaign, email="stranger@example.org")
    pledge_reminder(client, campaign, email="ira@example.org")
    confirm(client, mail.outbox[1])
    mail.outbox.clear()

    arm_now(campaign)

    assert [message.to for message in mail.outbox] == [["ira@example.org"]]
    assert "did not reach its goal" in mail.outbox[0].subject
    assert set(Pledge.objects.filter(campaign=campaign).values_list("email", flat=True)) == {""}


@pytest.mark.django_db
def test_a_reminder_pledge_needs_a_valid_email(client):
    campaign = solidarity_day(slug="remind-bad")
    answer = pledge_reminder(client, campaign, email="not an address")
    assert answer.status_code == 400
    assert "Enter a valid email address" in answer.content.decode()
    assert not Pledge.objects.exists()
    assert mail.outbox == []


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


@pytest.mark.django_db
def test_when_the_mail_server_is_down_nothing_is_kept_and_the_supporter_is_told(client, settings):
    from solidarity.testing.mastodon import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens
    campaign = solidarity_day(slug="remind-no-smtp")

    answer = pledge_reminder(client, campaign)

    assert answer.status_code == 400
    assert "We could not send the email just now" in answer.content.decode()
    assert not Pledge.objects.filter(campaign=campaign).exists()
