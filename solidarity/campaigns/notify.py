"""Emails to supporters, each in the supporter's own language.

Only pledges that left an address get mail; the address is erased with the rest of the
supporter's data when the campaign ends. A reminder pledge whose address has not confirmed it
(still pending) gets the confirmation email and nothing else.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from solidarity.campaigns.models import Campaign, MessageVersion, Pledge


def _send(pledge: Pledge, template: str, context: dict) -> None:
    if not pledge.email:
        return
    with translation.override(pledge.language):
        context = {
            "pledge": pledge,
            "campaign": pledge.campaign,
            "SITE_URL": settings.SITE_URL,
        } | context
        subject = render_to_string(f"campaigns/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"campaigns/email/{template}.txt", context)
    send_mail(subject, body, None, [pledge.email], fail_silently=False)


def version_changed(campaign: Campaign, version: MessageVersion) -> None:
    for pledge in campaign.pledges.filter(state=Pledge.State.ACTIVE).exclude(
        agreed_version=version
    ):
        _send(pledge, "version_changed", {"version": version})


def goal_not_reached(campaign: Campaign) -> None:
    for pledge in campaign.pledges.filter(state__in=[Pledge.State.ACTIVE, Pledge.State.BROKEN]):
        _send(pledge, "goal_not_reached", {})


def reconnect(pledge: Pledge) -> None:
    _send(pledge, "reconnect", {})


def confirm_reminder(pledge: Pledge, token: str) -> None:
    _send(pledge, "confirm_reminder", {"token": token})
