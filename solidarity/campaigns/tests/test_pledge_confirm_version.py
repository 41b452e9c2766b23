"""A changed message: the supporter sees old and new text and decides; nothing moves silently."""

import pytest
from django.urls import reverse

from solidarity.campaigns import actions
from solidarity.campaigns.models import Network, Pledge
from solidarity.campaigns.tests.helpers import FREE_ALES, solidarity_day

NEW_TEXT = "#Belarus: Ales Bialiatski, Nobel Peace Prize laureate, is still in jail. #FreeAles"


def pledge(campaign):
    pledged = actions.do_pledge(
        campaign, network=Network.REMINDER, language="en", email="s@example.org"
    )
    return pledged.pledge, pledged.secret


@pytest.mark.django_db
def test_a_new_version_shows_old_and_new_text_and_is_confirmed_with_a_button(client):
    campaign = solidarity_day(slug="edited")
    supporter, secret = pledge(campaign)
    first = supporter.agreed_version
    newer = actions.do_publish_version(campaign, {"en": NEW_TEXT})
    link = reverse("campaigns:manage", kwargs={"secret": secret})

    page = client.get(link).content.decode()
    assert "The message has changed" in page
    assert FREE_ALES in page and NEW_TEXT in page
    assert Pledge.objects.get(pk=supporter.pk).agreed_version == first

    answer = client.post(link, {"action": "confirm"})

    assert answer.status_code == 200
    assert Pledge.objects.get(pk=supporter.pk).agreed_version == newer
    assert "The message has changed" not in answer.content.decode()


@pytest.mark.django_db
def test_without_a_newer_version_confirming_changes_nothing(client):
    campaign = solidarity_day(slug="unchanged")
    supporter, secret = pledge(campaign)
    link = reverse("campaigns:manage", kwargs={"secret": secret})

    assert "The message has changed" not in client.get(link).content.decode()
    answer = client.post(link, {"action": "confirm"})

    assert answer.status_code == 400
    assert Pledge.objects.get(pk=supporter.pk).agreed_version == supporter.agreed_version


@pytest.mark.django_db
def test_an_unknown_action_is_a_400(client):
    campaign = solidarity_day(slug="odd-action")
    _supporter, secret = pledge(campaign)
    answer = client.post(reverse("campaigns:manage", kwargs={"secret": secret}), {"action": "x"})
    assert answer.status_code == 400
    assert Pledge.objects.get().state == Pledge.State.ACTIVE
