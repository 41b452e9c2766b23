"""The admin's language tabs in a real browser (Debian's Chromium driven by Playwright).

modeltranslation's tab script runs on our own small `tabs.js` instead of jQuery UI from a
CDN; this checks that the tabs appear, switch, and that no request leaves 127.0.0.1 and no
script is refused by the Content-Security-Policy.
"""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from playwright.sync_api import expect, sync_playwright

from solidarity.cases.models import Person
from solidarity.core.tests.admin_helpers import (
    organiser_in_role,
    plain_static,  # noqa: F401  (fixture)
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("plain_static"),
]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def test_language_tabs_switch_between_translations(live_server, django_user_model):
    person = Person.objects.create(
        slug="ales", name_en="Ales Bialiatski", name_be="Алесь Бяляцкі", name_ru="Алесь Беляцкий"
    )
    signed_in = Client()
    signed_in.force_login(organiser_in_role(django_user_model, "editor"))
    session = signed_in.cookies["sessionid"].value
    origin = f"http://127.0.0.1:{urlsplit(live_server.url).port}"
    url = f"{origin}/en/admin/cases/person/{person.pk}/change/"
    outside, problems = [], []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context()
        context.add_cookies([{"name": "sessionid", "value": session, "url": origin}])

        def only_loopback(route):
            if urlsplit(route.request.url).hostname == "127.0.0.1":
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", only_loopback)
        page = context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(url)

        name_tabs = page.locator(".ui-tabs", has=page.locator("#id_name_en"))
        expect(name_tabs.get_by_role("tab")).to_have_text(["en", "be", "ru"])
        expect(page.locator("#id_name_en")).to_be_visible()
        expect(page.locator("#id_name_be")).to_be_hidden()

        name_tabs.get_by_role("tab", name="be").click()

        expect(page.locator("#id_name_be")).to_be_visible()
        expect(page.locator("#id_name_be")).to_have_value("Алесь Бяляцкі")
        expect(page.locator("#id_name_en")).to_be_hidden()
        # The language switch beside the heading moves every group of tabs at once.
        page.locator("#modeltranslation-main-switch").select_option(label="ru")
        expect(page.locator("#id_biography_ru")).to_be_visible()
        expect(page.locator("#id_name_ru")).to_be_visible()
        browser.close()

    assert outside == []
    assert problems == []
