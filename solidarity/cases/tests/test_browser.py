"""The demo case page in a real browser: Debian's Chromium driven by Playwright.

The site runs as in production: the real server process on a loopback port, its own SQLite
database with the demo data, static files collected and served by the server. Each language
shows the counter, the timeline and a language switch that works without JavaScript. No
request may leave 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import translation
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from solidarity.cases import counter

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
REPO = Path(__file__).resolve().parents[3]
LANGUAGES = ("en", "be", "ru")
DEMO_TIME_ZONE = "Europe/Minsk"
CURRENT_ARREST = date(2021, 7, 14)
# The story the timeline must tell, in this order: (event kind, ISO date).
MILESTONES = [
    ("arrest", "2011-08-04"),
    ("proceeding", "2012-01-24"),
    ("release", "2014-06-21"),
    ("arrest", "2021-07-14"),
]
# How each language writes "years" for a count, from its own plural rules, not its catalogue:
# a missing translation must fail here rather than pass in English.
YEAR_WORDS = {
    "en": lambda n: "year" if n == 1 else "years",
    "be": lambda n: _slavic_plural(n, "год", "гады", "гадоў"),
    "ru": lambda n: _slavic_plural(n, "год", "года", "лет"),
}


def _slavic_plural(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The server exited with {process.returncode}:\n{log.read_text()}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(url, timeout=2) as response,  # noqa: S310 (loopback)
        ):
            if response.status == 200:
                return
        time.sleep(0.1)  # polling a starting server, not waiting on a page
    process.terminate()
    raise RuntimeError(f"The server did not answer {url} in {seconds} s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def demo_site() -> Iterator[str]:
    """`solidarity demo` (the README's first command) on a free loopback port; yields its origin.

    That is the production server (granian, via `solidarity serve`) after migrate,
    collectstatic and load_demo, with a database and static files of its own.
    """
    data_dir = Path(tempfile.mkdtemp(prefix="solidarity-browser-"))
    env = {k: v for k, v in os.environ.items() if k != "SOLIDARITY_PLAIN_STATIC"}
    env |= {"SOLIDARITY_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO)}
    port = _free_port()
    log = data_dir / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "solidarity.cli", "demo", "--bind", f"127.0.0.1:{port}"],
            env=env,
            cwd=REPO,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    origin = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{origin}/en/cases/", server, log)
        yield origin
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def demo_slug() -> str:
    from solidarity.cases.demo import ALES

    return ALES


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class LoopbackGuard:
    """Lets requests to 127.0.0.1 through and stops, and remembers, every other one."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.blocked: list[str] = []
        self.failed: list[str] = []

    def attach(self, context: BrowserContext) -> None:
        context.route("**/*", self._route)
        context.on("request", lambda request: self.seen.append(request.url))
        context.on(
            "response",
            lambda response: (
                self.failed.append(f"{response.status} {response.url}")
                if response.status >= 400
                else None
            ),
        )

    def _route(self, route, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in {"data", "blob", "about"} or parts.hostname == "127.0.0.1":
            route.continue_()
        else:
            self.blocked.append(request.url)
            route.abort()


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def page(request, browser: Browser) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=request.param, locale="en-GB")
    guard = LoopbackGuard()
    guard.attach(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert guard.seen, "the guard saw no request, so it guarded nothing"
    assert guard.blocked == [], f"requests left 127.0.0.1: {guard.blocked}"
    assert guard.failed == [], f"requests failed: {guard.failed}"


def expected_counter(language: str, today: date) -> tuple[str, int]:
    span = counter.span_between(CURRENT_ARREST, today)
    with translation.override(language):
        return counter.format_span(span), counter.detained_days(CURRENT_ARREST, None, today)


def check_counter(page: Page, language: str, before: date) -> None:
    after = counter.local_today(DEMO_TIME_ZONE)
    box = page.locator("#counter")
    expect(box).to_be_visible()
    text = box.inner_text()
    days = int(box.get_attribute("data-days") or "-1")
    # The page was made between `before` and `after`; across Minsk midnight either day is right.
    candidates = {expected_counter(language, day) for day in (before, after)}
    assert any(span in text and days == n for span, n in candidates), (text, days, candidates)
    years = counter.span_between(CURRENT_ARREST, before).years
    assert re.search(rf"\b{years} {YEAR_WORDS[language](years)}\b", text), text


def check_timeline(page: Page) -> None:
    events = page.locator("#timeline > li")
    expect(events.first).to_be_visible()
    story = []
    for item in events.all():
        kind = re.search(r"event--(\w+)", item.get_attribute("class") or "")
        # An event of unknown date has no <time>; .all() lists what is there without waiting.
        when = [t.get_attribute("datetime") for t in item.locator("time.event-date").all()]
        story.append((kind.group(1) if kind else "", when[0] if when else None))
    dates = [when for _, when in story if when]
    assert dates == sorted(dates), f"the timeline is not in date order: {dates}"
    positions = [story.index(milestone) for milestone in MILESTONES]
    assert positions == sorted(positions), story


@pytest.mark.parametrize("language", LANGUAGES)
def test_case_page_shows_counter_and_timeline_in_each_language(
    page: Page, demo_site: str, demo_slug: str, language: str
) -> None:
    today = counter.local_today(DEMO_TIME_ZONE)
    response = page.goto(f"{demo_site}/{language}/cases/{demo_slug}/")

    assert response is not None and response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", language)
    check_counter(page, language, today)
    check_timeline(page)


@pytest.mark.parametrize(("start", "target"), [("en", "be"), ("be", "ru"), ("ru", "en")])
def test_language_switch_lands_on_the_same_case(
    page: Page, demo_site: str, demo_slug: str, start: str, target: str
) -> None:
    today = counter.local_today(DEMO_TIME_ZONE)
    page.goto(f"{demo_site}/{start}/cases/{demo_slug}/")
    expect(page.locator("html")).to_have_attribute("lang", start)

    page.locator(f'.language-switcher a[hreflang="{target}"]').click()

    expect(page).to_have_url(f"{demo_site}/{target}/cases/{demo_slug}/")
    expect(page.locator("html")).to_have_attribute("lang", target)
    check_counter(page, target, today)
