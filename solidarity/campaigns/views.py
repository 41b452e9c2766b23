"""The supporter's side of a Thunderclap: the public page, pledging, and the private link.

Not page-cached: the supporter count and the pledge forms (with their CSRF tokens) change with
every pledge and every visitor.
"""

from __future__ import annotations

import json
import logging
import mimetypes

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from solidarity.campaigns import actions, compose, pledge_mastodon, public, selectors
from solidarity.campaigns.forms import MastodonPledgeForm, ReminderPledgeForm
from solidarity.campaigns.models import Campaign, Pledge
from solidarity.campaigns.networks.mastodon.oauth import ServerProblem
from solidarity.campaigns.networks.reminder import ics
from solidarity.core import safe_http
from solidarity.core.middleware import POLICY
from solidarity.core.secrets import UndecryptableSecret, decrypt, encrypt

log = logging.getLogger(__name__)
THANKS_KEY = "thunderclap_thanks"
CLOSED = gettext_lazy("This Thunderclap no longer takes pledges.")


def _private(response: HttpResponse) -> HttpResponse:
    """Pages that show or sit behind the private link: never cached, never sent as a referrer
    to another site. Not "no-referrer": with it Chromium sends "Origin: null" with the page's
    own forms (withdraw, confirm), which Django's CSRF check rightly refuses."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _problem(request: HttpRequest, message: str, campaign: Campaign | None = None, status=400):
    return _private(
        render(
            request,
            "campaigns/problem.html",
            {"message": message, "campaign": campaign},
            status=status,
        )
    )


# --- The public page ------------------------------------------------------------------------


def _bluesky_url(campaign: Campaign) -> str:
    """Bluesky pledging is built alongside (views_bluesky.py); offered once its view exists."""
    try:
        return reverse("campaigns:pledge_bluesky", kwargs={"slug": campaign.slug})
    except NoReverseMatch:
        return ""


def _page(
    request: HttpRequest,
    campaign: Campaign,
    *,
    mastodon_form: MastodonPledgeForm | None = None,
    reminder_form: ReminderPledgeForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    available = public.variants(campaign.current_version())
    language = public.pick_language(
        available, request.GET.get("lang"), translation.get_language(), settings.LANGUAGE_CODE
    )
    initial = {"language": language}
    context = {
        "campaign": campaign,
        "cases": public.cases_of(campaign, request.user),
        "variants": [(code, dict(settings.LANGUAGES).get(code, code)) for code in available],
        "language": language,
        "message": compose.compose(available[language], "", campaign.link) if language else "",
        "support": public.support(campaign),
        "takes_pledges": public.takes_pledges(campaign),
        "mastodon_form": mastodon_form or MastodonPledgeForm(campaign=campaign, initial=initial),
        "reminder_form": reminder_form or ReminderPledgeForm(campaign=campaign, initial=initial),
        "bluesky_url": _bluesky_url(campaign),
        "problem": problem,
    }
    response = render(request, "campaigns/detail.html", context, status=status)
    # The Mastodon form's answer is a redirect to the supporter's own server, which browsers
    # check against form-action; other sources stay as strict as everywhere else.
    schemes = "https: http:" if settings.SOLIDARITY_ALLOW_LOOPBACK_SERVERS else "https:"
    response["Content-Security-Policy"] = POLICY.replace(
        "form-action 'self'", f"form-action 'self' {schemes}"
    )
    return response


@require_GET
@never_cache
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, public.campaign_or_404(slug))


# --- Pledging -------------------------------------------------------------------------------


def _remember_thanks(request: HttpRequest, pledged: actions.Pledged) -> None:
    # Kept encrypted, and only until the thank-you page shows it once.
    shown = {"pledge": pledged.pledge.pk, "secret": pledged.secret, "replaced": pledged.replaced}
    request.session[THANKS_KEY] = encrypt(json.dumps(shown))


@require_POST
def pledge_mastodon_start(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = public.campaign_or_404(slug)
    if not public.takes_pledges(campaign):
        return _page(request, campaign, problem=CLOSED, status=400)
    form = MastodonPledgeForm(request.POST, campaign=campaign)
    if not form.is_valid():
        return _page(request, campaign, mastodon_form=form, status=400)
    try:
        url, pending = pledge_mastodon.start(
            campaign, form.supporter, form.cleaned_data["server"], form.cleaned_data["email"]
        )
    except (ServerProblem, safe_http.RefusedAddress) as problem:
        form.add_error("server", str(problem.message))
        return _page(request, campaign, mastodon_form=form, status=400)
    except ValidationError as error:
        form.add_error(None, error)
        return _page(request, campaign, mastodon_form=form, status=400)
    request.session[pledge_mastodon.SESSION_KEY] = pending.seal()
    return redirect(url)


@require_GET
def mastodon_callback(request: HttpRequest) -> HttpResponse:
    # Single use: the pending authorisation leaves the session whatever happens next.
    sealed = request.session.pop(pledge_mastodon.SESSION_KEY, None)
    pending = pledge_mastodon.Pending.open(sealed) if sealed else None
    if pending is None or not pending.state_matches(request.GET.get("state", "")):
        return _problem(
            request,
            _(
                "This authorisation was not started in this browser, has expired or was "
                "already used. Please start again from the Thunderclap's page."
            ),
        )
    campaign = Campaign.objects.filter(pk=pending.campaign_id).first()
    code = request.GET.get("code", "")
    if not code:
        message = _("You did not authorise the pledge; nothing was saved.")
        return _problem(request, message, campaign)
    try:
        pledged = pledge_mastodon.finish(pending, code)
    except (ServerProblem, safe_http.RefusedAddress) as problem:
        return _problem(request, str(problem.message), campaign)
    except ValidationError as error:
        return _problem(request, " ".join(error.messages), campaign)
    _remember_thanks(request, pledged)
    with translation.override(pending.ui_language):
        return redirect("campaigns:thanks", slug=pledged.pledge.campaign.slug)


@require_POST
def pledge_reminder(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = public.campaign_or_404(slug)
    if not public.takes_pledges(campaign):
        return _page(request, campaign, problem=CLOSED, status=400)
    form = ReminderPledgeForm(request.POST, campaign=campaign)
    if not form.is_valid():
        return _page(request, campaign, reminder_form=form, status=400)
    try:
        actions.do_pledge_reminder(campaign, email=form.cleaned_data["email"], **form.supporter)
    except ValidationError as error:
        form.add_error(None, error)
        return _page(request, campaign, reminder_form=form, status=400)
    return redirect("campaigns:check_inbox", slug=campaign.slug)


@require_GET
def check_inbox(request: HttpRequest, slug: str) -> HttpResponse:
    """The same page whatever the address: it never tells whether it was enrolled before."""
    campaign = public.campaign_or_404(slug)
    return _private(render(request, "campaigns/check_inbox.html", {"campaign": campaign}))


@require_http_methods(["GET", "POST"])
def confirm_reminder(request: HttpRequest, token: str) -> HttpResponse:
    """Only the POST confirms: mail scanners open the links in the emails they pass on."""
    if request.method == "POST":
        try:
            pledged = actions.do_confirm_reminder(token)
        except ValidationError as error:
            return _problem(request, " ".join(error.messages))
        _remember_thanks(request, pledged)
        return redirect("campaigns:thanks", slug=pledged.pledge.campaign.slug)
    try:
        pledge = actions.check_reminder_confirmation(token)
    except ValidationError as error:
        return _problem(request, " ".join(error.messages))
    context = {"campaign": pledge.campaign, "pledge": pledge, "text": compose.text_for(pledge)}
    return _private(render(request, "campaigns/confirm_reminder.html", context))


@require_GET
def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    sealed = request.session.pop(THANKS_KEY, None)
    try:
        shown = json.loads(decrypt(sealed)) if sealed else None
    except (UndecryptableSecret, ValueError):
        shown = None
    pledge = (
        Pledge.objects.filter(pk=shown["pledge"], campaign__slug=slug).first() if shown else None
    )
    if pledge is None:
        return _problem(
            request,
            _("The private link is shown only once, right after pledging; it is not kept here."),
            status=404,
        )
    context = {
        "campaign": pledge.campaign,
        "pledge": pledge,
        "text": compose.text_for(pledge),
        "private_url": settings.SITE_URL
        + reverse("campaigns:manage", kwargs={"secret": shown["secret"]}),
        "replaced": shown.get("replaced", False),
    }
    return _private(render(request, "campaigns/thanks.html", context))


# --- The private link: withdraw, or confirm a new version -------------------------------------


def _new_version_text(pledge: Pledge) -> str | None:
    current = pledge.campaign.current_version()
    if current is None or current.pk == pledge.agreed_version_id:
        return None
    variant = current.variants.filter(language=pledge.language).first()
    if variant is None:
        return None
    return compose.compose(variant.text, pledge.personal_line, pledge.campaign.link)


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, secret: str) -> HttpResponse:
    try:
        pledge = actions.pledge_for_secret(secret)
    except Pledge.DoesNotExist:
        return _problem(
            request,
            _("This private link is not valid any more: the pledge was withdrawn or is over."),
            status=404,
        )
    message = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "withdraw":
                actions.do_withdraw(pledge)
                return _private(
                    render(request, "campaigns/withdrawn.html", {"campaign": pledge.campaign})
                )
            if action == "confirm" and _new_version_text(pledge) is not None:
                actions.do_confirm_version(pledge)
                pledge.refresh_from_db()
                message = _("Thank you: your pledge now posts the new text.")
            else:
                return _problem(request, _("There is nothing to do."), pledge.campaign)
        except ValidationError as error:
            return _problem(request, " ".join(error.messages), pledge.campaign)
    before_moment = pledge.campaign.state in (Campaign.State.OPEN, Campaign.State.ARMED)
    context = {
        "campaign": pledge.campaign,
        "pledge": pledge,
        "text": compose.text_for(pledge),
        "new_text": _new_version_text(pledge),
        "message": message,
        "can_withdraw": before_moment,
        "receipt": selectors.receipt_for(pledge),
        "over": not before_moment,
        "released": pledge.state == Pledge.State.FINISHED,
    }
    return _private(render(request, "campaigns/manage.html", context))


# --- Calendars ------------------------------------------------------------------------------


def _calendar_entry(request: HttpRequest, campaign: Campaign) -> tuple[Campaign, str, str]:
    _language, message = public.message_for(campaign, translation.get_language())
    return campaign, message, settings.SITE_URL + campaign.get_absolute_url()


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def campaign_ics(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = public.campaign_or_404(slug)
    return _ics(ics.campaign_ics(*_calendar_entry(request, campaign)), f"{campaign.slug}.ics")


@require_GET
def campaign_image(request: HttpRequest, slug: str) -> FileResponse:
    """The image every post will carry, shown on the campaign page. Served here rather than
    from MEDIA_URL so the one-command demo needs no separate file server, and only for
    campaigns the public may see."""
    campaign = public.campaign_or_404(slug)
    if not campaign.image:
        raise Http404("No image")
    content_type = mimetypes.guess_type(campaign.image.name)[0] or "application/octet-stream"
    response = FileResponse(campaign.image.open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def calendar_feed(request: HttpRequest) -> HttpResponse:
    entries = [_calendar_entry(request, campaign) for campaign in public.coming()]
    return _ics(ics.feed_ics(entries), "thunderclaps.ics")
