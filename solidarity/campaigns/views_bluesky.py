"""Pledging a Bluesky account: OAuth (PAR, PKCE, DPoP), and the warned app-password fallback.

OAuth: the supporter types their handle or server; we resolve it to their PDS, push the
authorization request, and send the browser to their server's sign-in page. The callback (a
fixed URL outside the language prefixes, as OAuth needs) checks `state` against this browser's
session (single use), then `iss`, exchanges the code, and records the pledge. The
supporter's choices wait in their session in between, encrypted.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time

import aiohttp
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from solidarity.campaigns import actions, public
from solidarity.campaigns.engine.resolver import public_session
from solidarity.campaigns.forms import SupporterForm
from solidarity.campaigns.models import Campaign, Network
from solidarity.campaigns.networks.base import Account
from solidarity.campaigns.networks.bluesky import app_password, identity, oauth
from solidarity.campaigns.networks.bluesky.adapter import ADAPTER as BLUESKY
from solidarity.campaigns.views import _problem, _remember_thanks
from solidarity.core import safe_http
from solidarity.core.middleware import POLICY
from solidarity.core.secrets import UndecryptableSecret, decrypt, encrypt

log = logging.getLogger(__name__)
SESSION_KEY = "thunderclap_bluesky_pending"
MAX_PENDING = 5  # sign-ins started in one browser and not yet finished
FOLLOWERS_TIMEOUT = aiohttp.ClientTimeout(total=10)


class BlueskyPledgeForm(SupporterForm):
    account = forms.CharField(
        label=gettext_lazy("Your Bluesky handle"),
        max_length=300,
        help_text=gettext_lazy(
            "For example name.bsky.social, or your server's address if you run your own."
        ),
    )
    field_order = ["account", "language", "personal_line", "kind", "display_name"]


class AppPasswordPledgeForm(BlueskyPledgeForm):
    app_password = forms.CharField(
        label=gettext_lazy("App password"),
        max_length=100,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("Made for this pledge only, in Bluesky's settings."),
    )
    understood = forms.BooleanField(
        label=gettext_lazy(
            "I understand the risks above, and I will delete this app password after the moment."
        ),
    )
    field_order = ["account", "app_password", "understood", "language", "personal_line"]


# --- The form page -------------------------------------------------------------------------


def _campaign_page(request, campaign, form, template, status=200) -> HttpResponse:
    response = render(
        request,
        template,
        {"campaign": campaign, "form": form, "takes_pledges": public.takes_pledges(campaign)},
        status=status,
    )
    # The answer to this form is a redirect to the supporter's own server, which browsers
    # check against form-action; everything else stays as strict as on every page.
    schemes = "https: http:" if settings.SOLIDARITY_ALLOW_LOOPBACK_SERVERS else "https:"
    response["Content-Security-Policy"] = POLICY.replace(
        "form-action 'self'", f"form-action 'self' {schemes}"
    )
    # No _private() here: its no-referrer policy makes Chromium send "Origin: null" with
    # the form, which Django's CSRF check rightly refuses. This page holds no secret.
    return response


def _initial(request, campaign) -> dict:
    version = campaign.current_version()
    languages = [v.language for v in version.variants.all()] if version else []
    current = translation.get_language()
    return {"language": current if current in languages else (languages or [""])[0]}


def _resolve(form: BlueskyPledgeForm) -> identity.Target | None:
    try:
        return identity.target_for(form.cleaned_data["account"])
    except (identity.IdentityError, safe_http.RefusedAddress) as problem:
        form.add_error("account", str(problem.message))
    return None


def _form_and_target(request: HttpRequest, campaign, form_class, template: str):
    """The first half both pledge views share: a valid form whose account resolves to a PDS.

    Returns (page, None, None) when the page must be shown instead, else (None, form, target).
    """
    if request.method == "GET":
        form = form_class(campaign=campaign, initial=_initial(request, campaign))
        return _campaign_page(request, campaign, form, template), None, None
    form = form_class(request.POST, campaign=campaign)
    if not form.is_valid():
        return _campaign_page(request, campaign, form, template, 400), None, None
    try:
        actions.check_pledge(campaign, form.supporter["language"], form.supporter["personal_line"])
    except ValidationError as error:
        form.add_error(None, error)
        return _campaign_page(request, campaign, form, template, 400), None, None
    target = _resolve(form)
    if target is None:
        return _campaign_page(request, campaign, form, template, 400), None, None
    return None, form, target


@never_cache
@require_http_methods(["GET", "POST"])
def pledge_bluesky(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = public.campaign_or_404(slug)
    template = "campaigns/bluesky_pledge.html"
    page, form, target = _form_and_target(request, campaign, BlueskyPledgeForm, template)
    if page is not None:
        return page
    try:
        started = oauth.start(target, with_image=bool(campaign.image))
    except (oauth.OAuthError, safe_http.RefusedAddress) as problem:
        log.info("Bluesky sign-in not started: %s", problem)
        form.add_error("account", str(problem.message))
        return _campaign_page(request, campaign, form, template, 400)
    _keep_pending(request, started.pending, campaign, form.supporter)
    return redirect(started.authorize_url)


# --- Between the two legs: the supporter's session -----------------------------------------


def _keep_pending(request, pending: oauth.Pending, campaign: Campaign, supporter: dict) -> None:
    waiting = request.session.get(SESSION_KEY, {})
    entry = {
        "pending": pending.as_session(),
        "campaign": campaign.pk,
        "supporter": supporter,
        "ui_language": translation.get_language(),
    }
    waiting[pending.state] = encrypt(json.dumps(entry))
    # Keep the newest few: a supporter may retry, but the session must not grow without end.
    request.session[SESSION_KEY] = dict(list(waiting.items())[-MAX_PENDING:])


def _take_pending(request, state: str) -> dict | None:
    """The sign-in this browser started with `state`, removed so it works once only."""
    waiting = request.session.get(SESSION_KEY, {})
    sealed = waiting.pop(state, None) if state else None
    request.session[SESSION_KEY] = waiting
    if not sealed:
        return None
    try:
        entry = json.loads(decrypt(sealed))
    except (UndecryptableSecret, ValueError):
        return None
    if time.time() - entry["pending"]["started"] > oauth.PENDING_LIFETIME:
        return None
    return entry


# --- The callback --------------------------------------------------------------------------


@never_cache
@require_GET
def bluesky_callback(request: HttpRequest) -> HttpResponse:
    entry = _take_pending(request, request.GET.get("state", ""))
    if entry is None:
        return _problem(
            request,
            _(
                "This authorisation was not started in this browser, has expired or was "
                "already used. Please start again from the Thunderclap's page."
            ),
        )
    campaign = Campaign.objects.filter(pk=entry["campaign"]).first()
    with translation.override(entry["ui_language"]):
        try:
            grant = oauth.finish(oauth.Pending.from_session(entry["pending"]), request.GET)
        except (oauth.OAuthError, safe_http.RefusedAddress) as problem:
            log.info("Bluesky sign-in not finished: %s", problem)
            return _problem(request, str(problem.message), campaign)
        if campaign is None:
            _give_back(grant)
            return _problem(request, _("This Thunderclap no longer exists."))
        try:
            pledged = _record(
                campaign,
                entry["supporter"],
                grant,
                access_token=grant.access_token,
                refresh_token=grant.refresh_token,
                dpop_key=grant.dpop_key,
            )
        except ValidationError as error:
            _give_back(grant)
            return _problem(request, " ".join(error.messages), campaign)
        _remember_thanks(request, pledged)
        return redirect("campaigns:thanks", slug=campaign.slug)


def _record(campaign, supporter, who, *, access_token, refresh_token, dpop_key=""):
    """The pledge (replacing this DID's earlier one, if any), or a ValidationError."""
    account = Account(who.pds, who.did, access_token, dpop_private_key=dpop_key)
    return actions.do_pledge(
        campaign,
        network=Network.BLUESKY,
        server=who.pds,
        account_id=who.did,
        handle=who.handle,
        access_token=access_token,
        refresh_token=refresh_token,
        dpop_private_key=dpop_key,
        followers=_followers(account),
        **supporter,
    )


def _followers(account: Account) -> int | None:
    """Reach at pledge time, as the pre-flight counts it (through the supporter's own PDS);
    None when it cannot be had, which never stands in the way of the pledge."""

    async def ask():
        async with public_session(FOLLOWERS_TIMEOUT) as http:
            return await BLUESKY.verify(http, account)

    return asyncio.run(ask()).followers


def _give_back(grant: oauth.Grant) -> None:
    """A grant we will not use is revoked at once."""
    try:
        tokens = oauth.Tokens(grant.access_token, grant.refresh_token)
        oauth.revoke(grant.pds, tokens, grant.dpop_key)
    except Exception:  # the supporter's page matters more; the token dies on its own later
        log.warning("could not revoke an unused Bluesky grant for %s", grant.did, exc_info=True)


# --- The app-password fallback -------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def pledge_bluesky_app_password(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = public.campaign_or_404(slug)
    template = "campaigns/bluesky_app_password.html"
    page, form, target = _form_and_target(request, campaign, AppPasswordPledgeForm, template)
    if page is not None:
        return page
    login = target.handle or target.did or form.cleaned_data["account"]
    try:
        session = app_password.log_in(target, login, form.cleaned_data["app_password"])
    except (app_password.LoginError, safe_http.RefusedAddress) as problem:
        form.add_error("app_password", str(problem.message))
        return _campaign_page(request, campaign, form, template, 400)
    try:
        pledged = _record(
            campaign,
            form.supporter,
            session,
            access_token=session.access_token,
            refresh_token=session.refresh_token,
        )
    except ValidationError as error:
        app_password.log_out(session)
        form.add_error(None, error)
        return _campaign_page(request, campaign, form, template, 400)
    _remember_thanks(request, pledged)
    return redirect("campaigns:thanks", slug=campaign.slug)


# --- Our client metadata -------------------------------------------------------------------


@require_GET
def client_metadata(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(oauth.client_metadata())
    response["Cache-Control"] = "public, max-age=600"
    return response


# Included by campaigns/urls.py (under the language prefix).
urlpatterns = [
    path("<slug:slug>/pledge/bluesky/", pledge_bluesky, name="pledge_bluesky"),
    path(
        "<slug:slug>/pledge/bluesky/app-password/",
        pledge_bluesky_app_password,
        name="pledge_bluesky_app_password",
    ),
]
# Included by solidarity/urls.py, outside the language prefixes: OAuth needs fixed URLs.
oauth_urlpatterns = [
    path(oauth.METADATA_PATH.lstrip("/"), client_metadata, name="bluesky_client_metadata"),
    path(oauth.CALLBACK_PATH.lstrip("/"), bluesky_callback, name="bluesky_callback"),
]
