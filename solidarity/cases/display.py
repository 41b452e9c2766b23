"""How case facts read on a page: status labels and sentence terms in words."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from solidarity.cases.models import ISO_DURATION
from solidarity.cases.selectors import Status

STATUS_LABELS = {
    Status.DETAINED: gettext_lazy("Detained"),
    Status.RELEASED: gettext_lazy("Released"),
    Status.NOT_DETAINED: gettext_lazy("Not detained"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def humanize_term(term: str) -> str:
    """'P4Y6M' -> '4 years, 6 months'; text that is not a duration is shown as it is."""
    match = ISO_DURATION.match(term or "")
    if not match:
        return term or ""
    years, months, weeks, days = (int(group) if group else 0 for group in match.groups())
    parts = []
    if years:
        parts.append(ngettext("%(count)d year", "%(count)d years", years) % {"count": years})
    if months:
        parts.append(ngettext("%(count)d month", "%(count)d months", months) % {"count": months})
    if weeks:
        parts.append(ngettext("%(count)d week", "%(count)d weeks", weeks) % {"count": weeks})
    if days:
        parts.append(ngettext("%(count)d day", "%(count)d days", days) % {"count": days})
    # Translators: joins "3 years", "2 months" and "5 days".
    return _(", ").join(parts)
