"""The reminder email a supporter on a closed network receives at the moment."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from solidarity.campaigns.networks.reminder.share import share_links


def reminder_email(text: str, language: str) -> tuple[str, str]:
    """(subject, body) in the supporter's language."""
    with translation.override(language):
        subject = _("It is time: post the Thunderclap message now")
        lines = [
            _("The moment has come. Everyone who pledged is posting this message now:"),
            "",
            text,
            "",
            _("Post it with one click where you are:"),
            "",
        ]
        lines += [f"{share.network}: {share.url}" for share in share_links(text, subject)]
        lines += [
            "",
            _("Thank you for your solidarity."),
            _(
                "You received this email because you asked for a reminder. "
                "Your address is now erased."
            ),
        ]
    return subject, "\n".join(lines) + "\n"
