"""The page cache's two tiers serve a page only while the content version stands."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from solidarity.core import page_cache

pytestmark = pytest.mark.django_db


class CountingView:
    """A view whose body says how many times it really ran."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, request) -> HttpResponse:
        self.calls += 1
        return HttpResponse(f"render {self.calls}")


@pytest.fixture
def view():
    counting = CountingView()
    return counting, page_cache.cached_page()(counting)


def anonymous_get(path: str = "/en/cases/x/"):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return request


def test_second_request_is_served_from_memory_without_the_view(view):
    counting, cached = view
    first = cached(anonymous_get())
    second = cached(anonymous_get())
    assert (first.content, second.content) == (b"render 1", b"render 1")
    assert counting.calls == 1


@pytest.mark.django_db(transaction=True)  # the bump happens when the write commits
def test_a_write_elsewhere_is_seen_at_once_despite_the_memory_tier(view):
    _, cached = view
    cached(anonymous_get())
    page_cache.bump_content_version()  # what any save does, in any process
    assert cached(anonymous_get()).content == b"render 2"


def test_a_lost_version_key_never_comes_back_to_an_old_version(view):
    _, cached = view
    cached(anonymous_get())
    old = page_cache.content_version()
    cache.clear()  # a flushed Redis, or a culled cache file
    assert page_cache.content_version() != old
    assert cached(anonymous_get()).content == b"render 2"


def test_pages_stay_apart_by_path(view):
    _, cached = view
    assert cached(anonymous_get("/en/cases/a/")).content == b"render 1"
    assert cached(anonymous_get("/en/cases/b/")).content == b"render 2"
    assert cached(anonymous_get("/en/cases/a/")).content == b"render 1"


def test_each_visitor_gets_a_response_of_their_own(view):
    _, cached = view
    first = cached(anonymous_get())
    first.set_cookie("csrftoken", "for-the-first-visitor-only")
    first["X-Changed"] = "by middleware"
    second = cached(anonymous_get())
    assert second is not first
    assert not second.cookies
    assert "X-Changed" not in second


def test_signed_in_users_bypass_both_tiers(view, organiser):
    _, cached = view
    cached(anonymous_get())
    request = RequestFactory().get("/en/cases/x/")
    request.user = organiser
    assert cached(request).content == b"render 2"
    assert cached(request).content == b"render 3"


def test_memory_tier_keeps_only_its_most_recent_pages():
    tier = page_cache.MemoryTier(max_entries=2)
    page = (200, (), b"")
    assert tier.get(7, "a") is None  # first sight of version 7
    for key in ("a", "b", "c"):
        tier.set(7, key, page, seconds=60)
    assert tier.get(7, "a") is None
    assert tier.get(7, "c") == page
    assert tier.get(8, "c") is None  # a new version forgets everything
