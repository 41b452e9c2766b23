"""No organiser page, and not the CSV, shows a supporter's token, email, handle or account,
nor the name of a supporter who did not choose to be listed."""

import pytest
from django.db import connection
from django.urls import reverse

from solidarity.campaigns.admin import PledgeAdmin
from solidarity.campaigns.models import Pledge
from solidarity.campaigns.tests.organiser_helpers import (
    LISTED_NAME,
    SECRETS,
    UNLISTED_NAME,
    campaign_with_outcomes,
    plain_static,  # noqa: F401  (fixture)
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("plain_static")]
SECRET_FIELDS = {"handle", "access_token", "refresh_token", "dpop_private_key", "email"}


def organiser_pages(campaign):
    pledge = campaign.pledges.exclude(listed_publicly=True).first()
    return [
        reverse("admin:campaigns_campaign_changelist"),
        reverse("admin:campaigns_campaign_change", args=[campaign.pk]),
        reverse("admin:campaigns_campaign_message", args=[campaign.pk]),
        reverse("admin:campaigns_campaign_report", args=[campaign.pk]),
        reverse("admin:campaigns_campaign_csv", args=[campaign.pk]),
        reverse("admin:campaigns_pledge_changelist"),
        reverse("admin:campaigns_pledge_changelist") + f"?campaign__id__exact={campaign.pk}",
        reverse("admin:campaigns_pledge_change", args=[pledge.pk]),
    ]


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_no_page_shows_secrets_or_unlisted_supporters(admin_client):
    campaign = campaign_with_outcomes()
    stored = Pledge.objects.first()
    assert stored.access_token == SECRETS["access_token"]  # the secrets are really there
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token, email FROM campaigns_pledge")
        ciphertexts = [value for row in cursor.fetchall() for value in row]
    assert ciphertexts and SECRETS["access_token"] not in ciphertexts

    for path in organiser_pages(campaign):
        response = admin_client.get(path)
        assert response.status_code == 200, path
        page = body(response)
        for name, value in SECRETS.items():
            assert value not in page, (path, name)
        assert "acct-" not in page, path  # the account id at the network
        assert UNLISTED_NAME not in page, path
        assert "https://m1.example/@person/2" not in page, path  # an unlisted post's URL
        assert "SECRET" not in page, path
        for ciphertext in ciphertexts:
            assert ciphertext[-40:] not in page, path
    listed_page = body(admin_client.get(reverse("admin:campaigns_pledge_changelist")))
    assert f"{LISTED_NAME} 0" in listed_page  # the check above could see a name


def test_the_pledge_admin_declares_no_secret_field():
    shown = (
        set(PledgeAdmin.list_display) | set(PledgeAdmin.fields) | set(PledgeAdmin.readonly_fields)
    )
    assert not shown & SECRET_FIELDS
    assert "display_name" not in shown  # only through listed_name, which honours the choice
    assert "account_id" not in shown
