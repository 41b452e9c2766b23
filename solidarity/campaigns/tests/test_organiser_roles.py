"""Organisers' roles on Thunderclaps: admins and editors run them, viewers only look."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from solidarity.campaigns.models import Campaign
from solidarity.campaigns.tests.helpers import solidarity_day
from solidarity.campaigns.tests.organiser_helpers import (
    campaign_with_outcomes,
    plain_static,  # noqa: F401  (fixture)
)
from solidarity.core.roles import assign_role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("plain_static")]


def granted(role: str) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=role).permissions.select_related("content_type")
        if p.content_type.app_label == "campaigns"
    }


def test_the_migration_gave_the_roles_their_campaign_permissions():
    # Built by the migrations: nothing in this test synced the roles.
    assert {"campaigns.change_campaign", "campaigns.delete_campaign"} <= granted("admin")
    assert {"campaigns.add_campaign", "campaigns.change_campaign"} <= granted("editor")
    assert "campaigns.delete_campaign" not in granted("editor")
    assert granted("viewer") == {p for p in granted("admin") if ".view_" in p}
    assert "campaigns.view_pledge" in granted("viewer")


def signed_in(client, django_user_model, role):
    user = django_user_model.objects.create_user(role, f"{role}@example.org", "x" * 16)
    assign_role(user, role)
    client.force_login(user)
    return client


def test_an_editor_cancels(client, django_user_model):
    campaign = solidarity_day(goal=1)
    editor = signed_in(client, django_user_model, "editor")

    editor.post(reverse("admin:campaigns_campaign_cancel", args=[campaign.pk]))

    assert Campaign.objects.get(pk=campaign.pk).state == Campaign.State.CANCELLED


def test_a_viewer_reads_the_report_but_changes_nothing(client, django_user_model):
    campaign = solidarity_day(goal=1, slug="watched")
    done = campaign_with_outcomes(slug="done")
    viewer = signed_in(client, django_user_model, "viewer")

    assert viewer.get(reverse("admin:campaigns_campaign_report", args=[done.pk])).status_code == 200
    assert viewer.get(reverse("admin:campaigns_campaign_csv", args=[done.pk])).status_code == 200
    message_page = viewer.get(reverse("admin:campaigns_campaign_message", args=[campaign.pk]))
    assert message_page.status_code == 200
    assert "Publish this version" not in message_page.content.decode()

    for name, data in (
        ("cancel", {}),
        ("open", {}),
        ("message", {"en": "#FreeAles now"}),
    ):
        response = viewer.post(
            reverse(f"admin:campaigns_campaign_{name}", args=[campaign.pk]), data
        )
        assert response.status_code == 403, name
    withdraw = reverse(
        "admin:campaigns_campaign_withdraw_version",
        args=[campaign.pk, campaign.current_version().pk],
    )
    assert viewer.post(withdraw).status_code == 403
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.OPEN
    assert campaign.versions.count() == 1
    assert not campaign.current_version().withdrawn


def test_staff_without_a_role_and_anonymous_visitors_are_kept_out(client, django_user_model):
    campaign = solidarity_day(goal=1)
    report = reverse("admin:campaigns_campaign_report", args=[campaign.pk])

    response = client.get(report)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    client.post(reverse("admin:campaigns_campaign_cancel", args=[campaign.pk]))
    assert Campaign.objects.get(pk=campaign.pk).state == Campaign.State.OPEN

    intern = django_user_model.objects.create_user("intern", "i@example.org", "x" * 16)
    intern.is_staff = True
    intern.save()
    client.force_login(intern)
    assert client.get(report).status_code == 403
    assert (
        client.get(reverse("admin:campaigns_campaign_csv", args=[campaign.pk])).status_code == 403
    )
