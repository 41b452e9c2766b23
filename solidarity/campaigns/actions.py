"""Every state change of a Thunderclap: `check_*` validates, `do_*` writes.

Views, the admin, the worker and Celery tasks call these; none of them changes a campaign
any other way.
"""

from __future__ import annotations

import hashlib
import secrets
import smtplib
import time
from datetime import datetime
from functools import partial
from typing import NamedTuple

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from solidarity.campaigns import compose, notify
from solidarity.campaigns.engine import access, settle
from solidarity.campaigns.models import (
    Campaign,
    Delivery,
    MessageVariant,
    MessageVersion,
    Network,
    Pledge,
)
from solidarity.campaigns.networks import textutil
from solidarity.campaigns.networks.bluesky.adapter import new_record_key
from solidarity.campaigns.networks.reminder import confirmation

# Pledges that count, and post at the moment.
LIVE = [Pledge.State.ACTIVE, Pledge.State.BROKEN]
CONFIRMATION_PAUSE = 10 * 60  # seconds between two confirmation emails to one address


def check_message(campaign: Campaign, texts: dict[str, str]) -> None:
    errors = {}
    for language, text in texts.items():
        if not text.strip():
            continue
        problems = [p for check in compose.check_worst_case(campaign, text) for p in check.problems]
        if problems:
            errors[language] = problems
    if not any(text.strip() for text in texts.values()):
        errors["__all__"] = [_("Write the message in at least one language.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_publish_version(campaign: Campaign, texts: dict[str, str]) -> MessageVersion:
    """A new version of the message. Pledges keep the version they agreed to until they
    confirm the new one: consent never moves silently."""
    check_message(campaign, texts)
    last = campaign.versions.order_by("-number").first()
    version = MessageVersion.objects.create(
        campaign=campaign, number=(last.number + 1) if last else 1
    )
    MessageVariant.objects.bulk_create(
        MessageVariant(version=version, language=language, text=text.strip())
        for language, text in texts.items()
        if text.strip()
    )
    if last and campaign.pledges.exists():
        transaction.on_commit(lambda: notify.version_changed(campaign, version))
    return version


@transaction.atomic
def do_withdraw_version(version: MessageVersion) -> None:
    """Pledges that agreed only to this text will post nothing."""
    version.withdrawn = True
    version.save(update_fields=["withdrawn"])


def do_open(campaign: Campaign) -> None:
    if campaign.current_version() is None:
        raise ValidationError(_("Write the message before opening the Thunderclap."))
    updated = Campaign.objects.filter(pk=campaign.pk, state=Campaign.State.DRAFT).update(
        state=Campaign.State.OPEN
    )
    if not updated:
        raise ValidationError(_("Only a draft can be opened."))
    campaign.refresh_from_db(fields=["state"])


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def check_open(campaign: Campaign) -> None:
    if campaign.state != Campaign.State.OPEN or timezone.now() >= campaign.pledge_deadline:
        raise ValidationError(_("This Thunderclap no longer takes pledges."))


def check_pledge(campaign: Campaign, language: str, personal_line: str) -> MessageVersion:
    check_open(campaign)
    version = campaign.current_version()
    if version is None or not version.variants.filter(language=language).exists():
        raise ValidationError(_("There is no message in that language."))
    if len(personal_line) > campaign.personal_line_max:
        raise ValidationError(
            _("The personal line may have at most %(max)d characters.")
            % {"max": campaign.personal_line_max}
        )
    # Thousands of posts with a supporter's link or mention would be spam, or a pile-on;
    # and links count differently on each network, so the length checked would not hold.
    if textutil.LINK.search(personal_line) or textutil.MENTION.search(personal_line):
        raise ValidationError(_("The personal line may not contain links or @mentions."))
    return version


class Pledged(NamedTuple):
    """What a supporter is shown once, right after pledging."""

    pledge: Pledge
    secret: str  # for the private withdraw link, shown once
    replaced: bool = False  # an earlier pledge from the same account (its link is dead now)


def _lock(campaign: Campaign) -> Campaign:
    """The campaign row, locked until the commit: two pledges from one account, or a pledge
    and the close at the deadline, wait for each other. (SQLite serialises writers anyway.)"""
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def _withdraw_earlier(
    campaign: Campaign, network: str, server: str, account_id: str, grant: tuple[str, str]
) -> list[int]:
    """Withdraw this account's live pledges to the campaign, for a new one (whose access and
    refresh tokens are `grant`) to take their place; their own access is given back once the
    new pledge is committed."""
    earlier = campaign.pledges.select_for_update().filter(
        network=network, account_id=account_id, state__in=LIVE
    )
    if network != Network.BLUESKY:  # a DID names one account, whichever PDS holds it
        earlier = earlier.filter(server=server)
    earlier = list(earlier)
    Pledge.objects.filter(pk__in=[p.pk for p in earlier]).update(state=Pledge.State.WITHDRAWN)
    for pledge in earlier:
        if grant[0] and (pledge.access_token, pledge.refresh_token) == grant:
            # The server handed out the same grant again: revoking it would end the new
            # pledge too, so this copy is only forgotten. (Two Bluesky app-password logins
            # within a second get the same access JWT, but their own refresh tokens, by
            # which the older session is ended.)
            Pledge.objects.filter(pk=pledge.pk).update(access_token="")
    return [p.pk for p in earlier]


def _give_back_on_commit(pledge_ids: list[int]) -> None:
    if pledge_ids:
        # As a withdrawal does; robust: the new pledge stands even if a network is down, and
        # the campaign's release erases what is left.
        transaction.on_commit(partial(access.release, pledge_ids), robust=True)


@transaction.atomic
def do_pledge(
    campaign: Campaign,
    *,
    network: str,
    language: str,
    personal_line: str = "",
    kind: str = Pledge.Kind.PERSON,
    display_name: str = "",
    listed_publicly: bool = False,
    server: str = "",
    account_id: str = "",
    handle: str = "",
    access_token: str = "",
    refresh_token: str = "",
    dpop_private_key: str = "",
    email: str = "",
    followers: int | None = None,
    state: str = Pledge.State.ACTIVE,
) -> Pledged:
    """Record an authorised pledge. An account that pledged to this campaign before is not
    counted twice: the new pledge replaces the old one."""
    campaign = _lock(campaign)
    version = check_pledge(campaign, language, personal_line)
    replaced = (
        _withdraw_earlier(campaign, network, server, account_id, (access_token, refresh_token))
        if account_id
        else []
    )
    secret = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            pledge = Pledge.objects.create(
                campaign=campaign,
                network=network,
                language=language,
                agreed_version=version,
                personal_line=personal_line.strip(),
                kind=kind,
                display_name=display_name.strip(),
                listed_publicly=listed_publicly,
                server=server,
                account_id=account_id,
                handle=handle,
                access_token=access_token,
                refresh_token=refresh_token,
                dpop_private_key=dpop_private_key,
                email=email,
                followers_count=followers,
                followers_checked_at=timezone.now() if followers is not None else None,
                withdraw_secret_hash=hash_secret(secret),
                state=state,
            )
    except IntegrityError as error:
        # one_live_pledge_per_account: a live pledge made some other way than this one.
        raise ValidationError(_("This account has just pledged. Please try again.")) from error
    _give_back_on_commit(replaced)
    return Pledged(pledge, secret, bool(replaced))


# --- Reminders: counted only once their address confirms ------------------------------------


def do_pledge_reminder(campaign: Campaign, *, email: str, **supporter) -> None:
    """A reminder pledge waits, uncounted and sent nothing else, until its address confirms
    it. Whatever happened before with this address, the answer is the same."""
    if not cache.add(_confirmation_sent_key(campaign, email), True, CONFIRMATION_PAUSE):
        return  # one email per address and campaign in a while: the form is no mail cannon
    pledge = do_pledge(
        campaign, network=Network.REMINDER, email=email, state=Pledge.State.PENDING, **supporter
    ).pledge
    try:
        notify.confirm_reminder(pledge, confirmation.token_for(pledge.pk))
    except (smtplib.SMTPException, OSError) as error:
        pledge.delete()  # nobody can ever confirm it
        cache.delete(_confirmation_sent_key(campaign, email))  # nothing was sent: may retry
        raise ValidationError(
            _("We could not send the email just now. Please try again later.")
        ) from error


def _confirmation_sent_key(campaign: Campaign, email: str) -> str:
    # A keyed hash: the cache never holds the address itself.
    digest = salted_hmac("reminder-confirmation", f"{campaign.pk}:{email.strip().lower()}")
    return f"thunderclaps:confirmation-sent:{digest.hexdigest()}"


def check_reminder_confirmation(token: str) -> Pledge:
    """The pending reminder pledge a confirmation link names, if it can still be confirmed."""
    try:
        pledge_id = confirmation.pledge_id_from(token)
    except confirmation.Expired as error:
        raise ValidationError(
            _(
                "This confirmation link has expired. Leave your address on the Thunderclap's "
                "page again to get a new one."
            )
        ) from error
    except confirmation.Invalid as error:
        raise ValidationError(
            _("This confirmation link is not valid. Please open the whole link from the email.")
        ) from error
    pledge = (
        Pledge.objects.select_related("campaign")
        .filter(pk=pledge_id, network=Network.REMINDER, state=Pledge.State.PENDING)
        .first()
    )
    if pledge is None:
        raise _link_used()
    check_open(pledge.campaign)
    return pledge


def _link_used() -> ValidationError:
    return ValidationError(_("This confirmation link was already used, or is no longer valid."))


def _same_address(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def do_confirm_reminder(token: str) -> Pledged:
    """The address answered: the reminder counts from now on and gets its private link. An
    earlier confirmed reminder for the same address is replaced, as for an account."""
    pledge = check_reminder_confirmation(token)
    with transaction.atomic():
        campaign = _lock(pledge.campaign)
        check_open(campaign)
        # The addresses are encrypted, so they are compared here, one campaign's at a time.
        earlier = [
            other.pk
            for other in campaign.pledges.select_for_update()
            .filter(network=Network.REMINDER, state__in=LIVE)
            .only("pk", "email")
            if _same_address(other.email, pledge.email)
        ]
        Pledge.objects.filter(pk__in=earlier).update(state=Pledge.State.WITHDRAWN)
        secret = secrets.token_urlsafe(32)
        confirmed = Pledge.objects.filter(pk=pledge.pk, state=Pledge.State.PENDING).update(
            state=Pledge.State.ACTIVE, withdraw_secret_hash=hash_secret(secret)
        )
        if not confirmed:  # confirmed in another request meanwhile
            raise _link_used()
        _give_back_on_commit(earlier)
    pledge.refresh_from_db()
    return Pledged(pledge, secret, bool(earlier))


def pledge_for_secret(secret: str) -> Pledge:
    """The pledge behind a private link: live, or over (it then shows the receipt). A
    withdrawn or replaced pledge's link is dead, as everything behind it was erased."""
    return Pledge.objects.select_related("campaign").get(
        withdraw_secret_hash=hash_secret(secret),
        state__in=[*LIVE, Pledge.State.FINISHED],
    )


@transaction.atomic
def do_confirm_version(pledge: Pledge) -> None:
    version = pledge.campaign.current_version()
    if version is None or not version.variants.filter(language=pledge.language).exists():
        raise ValidationError(_("There is no current message in your language."))
    if pledge.campaign.state not in (Campaign.State.OPEN, Campaign.State.ARMED):
        raise ValidationError(_("It is too late to change what you post."))
    pledge.agreed_version = version
    pledge.save(update_fields=["agreed_version"])
    Delivery.objects.filter(pledge=pledge, state=Delivery.State.PENDING).update(
        text=compose.text_for(pledge) or ""
    )


def do_withdraw(pledge: Pledge) -> None:
    """Before the moment: revoke the access at the network and erase it here."""
    if pledge.campaign.state not in (Campaign.State.OPEN, Campaign.State.ARMED):
        raise ValidationError(_("The moment has come; the post can no longer be withdrawn."))
    with transaction.atomic():
        cancelled = Delivery.objects.filter(pledge=pledge, state=Delivery.State.PENDING).update(
            state=Delivery.State.CANCELLED
        )
        if (
            Delivery.objects.filter(pledge=pledge).exclude(state=Delivery.State.CANCELLED).exists()
            and not cancelled
        ):
            raise ValidationError(_("The moment has come; the post can no longer be withdrawn."))
        Pledge.objects.filter(pk=pledge.pk).update(state=Pledge.State.WITHDRAWN)
    access.release([pledge.pk])


def count_supporters(campaign: Campaign) -> int:
    return campaign.pledges.filter(state__in=LIVE).count()


def do_close_pledging(campaign: Campaign) -> str:
    """At the deadline: arm if the goal is met, otherwise nothing is ever posted."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.state != Campaign.State.OPEN:
            return campaign.state
        if count_supporters(campaign) < campaign.supporter_goal:
            campaign.state = Campaign.State.GOAL_NOT_REACHED
            campaign.save(update_fields=["state"])
        else:
            _create_deliveries(campaign)
            campaign.state = Campaign.State.ARMED
            campaign.save(update_fields=["state"])
    if campaign.state == Campaign.State.GOAL_NOT_REACHED:
        notify.goal_not_reached(campaign)
        release_campaign(campaign)
    return campaign.state


def _create_deliveries(campaign: Campaign) -> None:
    pledges = campaign.pledges.filter(state__in=LIVE).select_related("agreed_version", "campaign")
    deliveries = []
    for pledge in pledges:
        text = compose.text_for(pledge)
        if text is None:
            continue  # the agreed text was withdrawn and the supporter did not confirm another
        deliveries.append(
            Delivery(
                campaign=campaign,
                pledge=pledge,
                network=pledge.network,
                host=pledge.host or "email",
                text=text,
                language=pledge.language,
                record_key=new_record_key() if pledge.network == Network.BLUESKY else "",
            )
        )
    Delivery.objects.bulk_create(deliveries, batch_size=500)


def do_cancel(campaign: Campaign, wait_seconds: float = 60.0) -> None:
    """The kill switch. When this returns, nothing more will go out for this campaign."""
    with transaction.atomic():
        Campaign.objects.filter(
            pk=campaign.pk,
            state__in=[
                Campaign.State.DRAFT,
                Campaign.State.OPEN,
                Campaign.State.ARMED,
                Campaign.State.SENDING,
            ],
        ).update(state=Campaign.State.CANCELLED, cancelled_at=timezone.now())
        # UNKNOWN stays: it may have been posted, and the report must say so (see settle).
        Delivery.objects.filter(campaign=campaign, state=Delivery.State.PENDING).update(
            state=Delivery.State.CANCELLED
        )
    # Requests already on the wire finish (or time out) before we return.
    deadline = time.monotonic() + wait_seconds
    while (
        time.monotonic() < deadline
        and Delivery.objects.filter(
            campaign=campaign, state=Delivery.State.IN_FLIGHT, lease_until__gt=timezone.now()
        ).exists()
    ):
        time.sleep(0.05)
    campaign.refresh_from_db()
    if campaign.state == Campaign.State.CANCELLED:
        settle.settle_unknown(campaign.pk)
        release_campaign(campaign)


def release_campaign(campaign: Campaign) -> None:
    """Revoke every access at its network and erase it here."""
    pledges = list(
        campaign.pledges.exclude(state=Pledge.State.FINISHED).values_list("pk", flat=True)
    )
    access.release(pledges)


def is_due(campaign: Campaign, now: datetime) -> bool:
    return campaign.state == Campaign.State.OPEN and now >= campaign.pledge_deadline
