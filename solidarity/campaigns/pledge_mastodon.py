"""A Mastodon pledge in two steps: `start` sends the supporter to their server, `finish` records
the pledge when the server sends them back.

Between the two, what the supporter chose waits in their own session, encrypted (it may hold
an email address), with the OAuth `state` and PKCE verifier. The state is single use: the
callback removes it from the session before anything else.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from solidarity.campaigns import actions
from solidarity.campaigns.compose import compose, longest_personal_line
from solidarity.campaigns.models import Campaign, Network, ServerApp
from solidarity.campaigns.networks.mastodon import oauth
from solidarity.campaigns.networks.mastodon import text as mastodon_text
from solidarity.core import safe_http
from solidarity.core.secrets import UndecryptableSecret, decrypt, encrypt

SESSION_KEY = "thunderclap_mastodon_pending"
MAX_AGE_SECONDS = 30 * 60


@dataclass(frozen=True)
class Pending:
    campaign_id: int
    base: str
    state: str
    verifier: str  # empty when the server does not offer PKCE
    language: str
    personal_line: str
    kind: str
    display_name: str
    listed_publicly: bool
    email: str
    ui_language: str
    started: float

    def seal(self) -> str:
        return encrypt(json.dumps(asdict(self)))

    @classmethod
    def open(cls, sealed: str) -> Pending | None:
        try:
            pending = cls(**json.loads(decrypt(sealed)))
        except (UndecryptableSecret, ValueError, TypeError):
            return None
        return pending if time.time() - pending.started < MAX_AGE_SECONDS else None

    def state_matches(self, state: str) -> bool:
        return secrets.compare_digest(self.state.encode(), (state or "").encode())


def redirect_uri() -> str:
    """One callback address for every language: the server holds it with our app registration,
    so it must not change with the language the supporter reads in."""
    with translation.override(settings.LANGUAGE_CODE):
        return settings.SITE_URL + reverse("campaigns:mastodon_callback")


def worst_case_problems(campaign: Campaign, language: str, limits: oauth.Limits) -> list[str]:
    """The longest post a supporter could make on this campaign, measured by this server."""
    version = campaign.current_version()
    variant = version.variants.filter(language=language).first() if version else None
    if variant is None:
        return [_("There is no message in that language.")]
    text = compose(variant.text, longest_personal_line(campaign), campaign.link)
    return mastodon_text.problems(text, limits.max_characters, limits.characters_per_url)


def start(campaign: Campaign, supporter: dict, server: str, email: str) -> tuple[str, Pending]:
    """Check the server, register our app there if needed, and return where to send the
    supporter. Raises oauth.ServerProblem or safe_http.RefusedAddress with a message for them."""
    actions.check_pledge(campaign, supporter["language"], supporter["personal_line"])
    policy = safe_http.Policy.from_settings()
    base = oauth.base_url(server, policy)
    with safe_http.safe_client(policy) as client:
        limits = oauth.instance_limits(client, base)
        problems = worst_case_problems(campaign, supporter["language"], limits)
        if problems:
            raise oauth.ServerProblem(
                _(
                    "Your server allows shorter posts than this message needs, so it could not "
                    "post it. %(detail)s"
                )
                % {"detail": " ".join(problems)}
            )
        app = oauth.server_app(client, base, redirect_uri())
        verifier = oauth.new_code_verifier() if oauth.supports_pkce(client, base) else ""
    pending = Pending(
        campaign_id=campaign.pk,
        base=base,
        state=oauth.new_state(),
        verifier=verifier,
        email=email,
        ui_language=translation.get_language() or settings.LANGUAGE_CODE,
        started=time.time(),
        **supporter,
    )
    scopes = oauth.scopes_for(bool(campaign.image))
    url = oauth.authorize_url(
        base, app, pending.state, verifier or None, pending.ui_language, scopes
    )
    return url, pending


def finish(pending: Pending, code: str) -> actions.Pledged:
    """Swap the code for a token, learn the account, record the pledge (replacing this
    account's earlier pledge to the campaign, if any)."""
    campaign = Campaign.objects.get(pk=pending.campaign_id)
    app = ServerApp.objects.get(network=Network.MASTODON, server=pending.base)
    server = pending.base.split("://", 1)[1]  # "host" or "host:port", as typed and normalised
    with safe_http.safe_client() as client:
        scopes = oauth.scopes_for(bool(campaign.image))
        token = oauth.exchange_code(
            client, pending.base, app, code, pending.verifier or None, scopes
        )
        try:
            me = oauth.verify_credentials(client, pending.base, token)
            pledged = actions.do_pledge(
                campaign,
                network=Network.MASTODON,
                language=pending.language,
                personal_line=pending.personal_line,
                kind=pending.kind,
                display_name=pending.display_name,
                listed_publicly=pending.listed_publicly,
                server=pending.base,
                account_id=me.account_id,
                handle=f"@{me.username}@{server}",
                access_token=token,
                email=pending.email,
                followers=me.followers,
            )
        except (oauth.ServerProblem, ValidationError):
            # Nothing was recorded: give the access straight back.
            oauth.revoke(client, pending.base, app, token)
            raise
    return pledged
