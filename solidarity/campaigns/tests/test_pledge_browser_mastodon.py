"""In Chromium, through the real pages: pledge with a Mastodon account on the loopback
mastodon-mock server, keep the private link, then withdraw with it.

What only a browser shows: the CSP lets the pledge form's answer redirect to the supporter's
server, and the private pages' forms pass Django's CSRF origin check.
"""

import re

import pytest

from solidarity.campaigns.models import Pledge
from solidarity.campaigns.tests import pledging
from solidarity.campaigns.tests.bluesky_helpers import chromium, guard_loopback
from solidarity.campaigns.tests.helpers import solidarity_day
from solidarity.testing.mastodon import MastodonUser

mastodon_server = pledging.mastodon_server
pledge_settings = pledging.pledge_settings


@pytest.mark.django_db(transaction=True)
def test_pledge_and_withdraw_in_a_browser(pledge_settings, mastodon_server, monkeypatch):
    # Playwright's sync API keeps an event loop in this thread; ORM calls stay blocking.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    campaign = solidarity_day(slug="browser", personal_line_max=40)
    user = mastodon_server.create_user("browserfan")

    with chromium() as browser:
        page = browser.new_page()
        stray: list[str] = []
        guard_loopback(page, stray)
        page.goto(pledge_settings.SITE_URL + campaign.get_absolute_url())
        page.fill("#id_mastodon-server", mastodon_server.url)
        page.fill("#id_mastodon-personal_line", "From Vilnius with love")
        page.fill("#id_mastodon-display_name", "Browser Fan")
        page.check("#id_mastodon-listed_publicly")
        page.get_by_role("button", name="Continue on my Mastodon server").click()
        page.wait_for_url(re.compile(r".*/oauth/authorize\?.*"))
        page.get_by_role("button", name=re.compile("browserfan")).click()
        page.wait_for_url(re.compile(r".*/thunderclaps/browser/thanks/"))
        assert "From Vilnius with love" in page.content()
        link = page.locator("a[rel=noreferrer]").get_attribute("href")

        pledge = Pledge.objects.get(campaign=campaign)
        held = MastodonUser(user.id, user.username, pledge.access_token)
        assert pledge.state == Pledge.State.ACTIVE and mastodon_server.token_works(held)

        page.goto(link)
        page.get_by_role("button", name="Withdraw my pledge").click()
        page.wait_for_load_state()
        assert "Your pledge is withdrawn" in page.content()
        assert stray == []

    assert Pledge.objects.get(pk=pledge.pk).state == Pledge.State.WITHDRAWN
    assert not mastodon_server.token_works(held)
