"""Closed networks (X, Facebook, Instagram, LinkedIn...): an email at the moment with the message
and ready share links, since nothing can be posted there on a supporter's behalf.

An email cannot be looked up after it is sent, so `find` knows nothing: a send that returned is
POSTED, an SMTP permanent error (5xx) FAILED, anything temporary RETRY.
"""

from __future__ import annotations

import asyncio
import smtplib

import aiohttp
from django.core.mail import send_mail
from django.utils import timezone

from solidarity.campaigns.networks.base import Account, Outcome, Post, Reach, Result
from solidarity.campaigns.networks.reminder.message import reminder_email

NETWORK = "reminder"


def _send(account: Account, post: Post) -> Result:
    subject, body = reminder_email(post.text, post.language)
    try:
        send_mail(subject, body, None, [account.email], fail_silently=False)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _message in error.recipients.values()]
        if codes and all(400 <= code < 500 for code in codes):
            return Result(Outcome.RETRY, reason="SMTP: recipient deferred")
        return Result(Outcome.FAILED, reason="SMTP: recipient refused")
    except smtplib.SMTPResponseException as error:
        if 400 <= error.smtp_code < 500:
            return Result(Outcome.RETRY, reason=f"SMTP {error.smtp_code}")
        return Result(Outcome.FAILED, reason=f"SMTP {error.smtp_code}")
    except (smtplib.SMTPException, OSError) as error:
        # Disconnected, refused, unreachable: the mail server did not take the message.
        return Result(Outcome.RETRY, reason=f"SMTP: {type(error).__name__}")
    return Result(Outcome.POSTED, posted_at=timezone.now())


class ReminderAdapter:
    network = NETWORK

    async def publish(self, http: aiohttp.ClientSession, account: Account, post: Post) -> Result:
        if not account.email:
            return Result(Outcome.FAILED, reason="no email address")
        # Django's email backends block; keep them off the event loop.
        return await asyncio.to_thread(_send, account, post)

    async def find(
        self, http: aiohttp.ClientSession, account: Account, post: Post
    ) -> Result | None:
        return None

    async def verify(self, http: aiohttp.ClientSession, account: Account) -> Reach:
        return Reach(True)

    async def revoke(self, http: aiohttp.ClientSession, account: Account) -> None:
        return None  # there is no access to give back; the address is erased with the pledge


ADAPTER = ReminderAdapter()
