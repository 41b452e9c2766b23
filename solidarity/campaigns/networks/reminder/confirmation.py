"""The link that makes a reminder pledge count: only whoever reads the address can confirm it.

Without it anyone could enrol someone else's address in a campaign about a detained defender.
The link carries the pledge's id, signed and salted (django.core.signing), so it needs no
table of its own; it works once because only a pending pledge can be confirmed.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing

SALT = "solidarity.campaigns.reminder-confirmation"
VALID_FOR = timedelta(days=3)


class Expired(Exception):
    pass


class Invalid(Exception):
    pass


def token_for(pledge_id: int) -> str:
    return signing.dumps(pledge_id, salt=SALT)


def pledge_id_from(token: str) -> int:
    """The pledge a link names; Expired or Invalid (altered, cut short, another salt)."""
    try:
        pledge_id = signing.loads(token, salt=SALT, max_age=VALID_FOR)
    except signing.SignatureExpired as error:
        raise Expired from error
    except signing.BadSignature as error:
        raise Invalid from error
    if not isinstance(pledge_id, int):
        raise Invalid
    return pledge_id
