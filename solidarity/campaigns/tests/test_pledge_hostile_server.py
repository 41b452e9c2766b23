"""A server address a supporter types that is not public is refused with a message, and nothing
is contacted: the socket layer is guarded, and names never reach real DNS."""

import pytest
from django.urls import reverse

from solidarity.campaigns.models import Pledge, ServerApp
from solidarity.campaigns.tests.helpers import solidarity_day
from solidarity.campaigns.tests.pledging import mastodon_form

HOSTILE = [
    "127.0.0.1",
    "localhost",
    "http://localhost:8000",
    "10.0.0.1",
    "172.16.0.1",
    "192.168.0.1",
    "169.254.169.254",
    "[::1]",
    "[fd00::1]",
    "@admin@10.1.2.3",
]


@pytest.mark.django_db
@pytest.mark.parametrize("address", HOSTILE)
def test_a_hostile_address_is_refused_with_a_message_and_no_connection(
    client, settings, network_guard, address
):
    settings.SOLIDARITY_ALLOW_LOOPBACK_SERVERS = False
    campaign = solidarity_day(slug="hostile")
    url = reverse("campaigns:pledge_mastodon", kwargs={"slug": campaign.slug})

    answer = client.post(url, mastodon_form(address))

    assert answer.status_code == 400
    assert "is not public, so we will not contact it" in answer.content.decode()
    assert network_guard.connects == []
    assert network_guard.lookups == []
    assert not Pledge.objects.exists()
    assert not ServerApp.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["", "not a server", "ftp://example.org", "0x7f.1", "a@b@c"])
def test_a_malformed_address_is_refused_with_a_message(client, network_guard, address):
    campaign = solidarity_day(slug="malformed")
    url = reverse("campaigns:pledge_mastodon", kwargs={"slug": campaign.slug})

    answer = client.post(url, mastodon_form(address))

    assert answer.status_code == 400
    assert '<p class="errors" role="alert">' in answer.content.decode()
    assert network_guard.connects == []
