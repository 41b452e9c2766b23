"""A whole-page cache for anonymous visitors, coherent across server processes.

Pages are cached under a content version kept in the shared cache; any write bumps the
version (see cases.signals), so no process serves a page older than the data, and a field
made restricted disappears from public pages at once. Signed-in users bypass the cache.

Two tiers: each process keeps the pages it served in memory, and the shared cache (files, or
Redis) holds them for the other processes. Both are keyed by the content version, which every
request reads from the shared cache, so the memory tier is exactly as fresh as the shared one;
it only saves reading, decompressing and unpickling the page (a third of a cached request's
cost with the file cache, measured by benchmarks/pages.py).
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import secrets
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import translation

VERSION_KEY = "solidarity:content-version"
# What a cached page is made of: status, headers, body. Never a response object, which the
# middleware would change on its way out, and which would then be shared between visitors.
Page = tuple[int, tuple[tuple[str, str], ...], bytes]

# The version read at the start of a cached request, so its key and its page agree on it.
_pinned_version: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "pinned_content_version", default=None
)


def content_version() -> int:
    pinned = _pinned_version.get()
    if pinned is not None:
        return pinned
    version = cache.get(VERSION_KEY)
    if version is None:
        # A random start, not 1: when the key is lost (a cache cleared, a file culled) the
        # count must not come back to a version whose pages some process still holds.
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version if version is not None else _fresh_version()


def _fresh_version() -> int:
    return secrets.randbits(62)


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
        # Backends that increment by get-and-set would give the key the default timeout.
        cache.touch(VERSION_KEY, timeout=None)
    except ValueError:
        cache.set(VERSION_KEY, _fresh_version(), timeout=None)


def bump_content_version() -> None:
    """Move the version on when the write is committed, once per transaction.

    Before the commit, readers still see the old data, so the old version is still right for
    them. One bump per transaction: a 1,000-row import costs one bump, not thousands.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _bump()
    elif not any(callback is _bump for _sids, callback, _robust in connection.run_on_commit):
        transaction.on_commit(_bump)


class MemoryTier:
    """This process's most recently used pages, dropped as soon as the version moves on."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self.version: int | None = None
        self.pages: OrderedDict[str, tuple[float, Page]] = OrderedDict()
        self.lock = threading.Lock()  # threaded workers share one tier

    def get(self, version: int, key: str) -> Page | None:
        with self.lock:
            return self._get(version, key)

    def set(self, version: int, key: str, page: Page, seconds: int) -> None:
        with self.lock:
            self._set(version, key, page, seconds)

    def _get(self, version: int, key: str) -> Page | None:
        if version != self.version:
            self.pages.clear()
            self.version = version
            return None
        entry = self.pages.get(key)
        if entry is None:
            return None
        expires_at, page = entry
        if expires_at < time.monotonic():
            del self.pages[key]
            return None
        self.pages.move_to_end(key)
        return page

    def _set(self, version: int, key: str, page: Page, seconds: int) -> None:
        if self.max_entries <= 0 or version != self.version:
            return
        self.pages[key] = (time.monotonic() + seconds, page)
        self.pages.move_to_end(key)
        while len(self.pages) > self.max_entries:
            self.pages.popitem(last=False)


_memory = MemoryTier(getattr(settings, "PAGE_CACHE_MEMORY_ENTRIES", 1000))


def _freeze(response: HttpResponse) -> Page:
    return response.status_code, tuple(response.headers.items()), response.content


def _thaw(page: Page) -> HttpResponse:
    status, headers, body = page
    return HttpResponse(body, status=status, headers=dict(headers))


def cached_page(extra_key=None):
    """Cache a GET view's response for anonymous visitors.

    `extra_key(request, **kwargs)` adds to the key what else the page depends on, such as the
    local date that the detention counter is computed for.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method != "GET" or request.user.is_authenticated:
                return view(request, *args, **kwargs)
            version = content_version()
            token = _pinned_version.set(version)
            try:
                return _serve(view, request, version, extra_key, args, kwargs)
            finally:
                _pinned_version.reset(token)

        return wrapper

    return decorator


def _serve(view, request, version: int, extra_key, args, kwargs) -> HttpResponse:
    parts = [str(version), translation.get_language() or "", request.get_full_path()]
    if extra_key:
        parts.append(str(extra_key(request, *args, **kwargs)))
    key = "page:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()
    seconds = settings.PAGE_CACHE_SECONDS
    page = _memory.get(version, key)
    if page is None:
        page = cache.get(key)
        if page is not None:
            _memory.set(version, key, page, seconds)
    if page is not None:
        return _thaw(page)
    response = view(request, *args, **kwargs)
    if response.status_code == 200 and not response.cookies and not response.streaming:
        if hasattr(response, "render"):
            response.render()
        page = _freeze(response)
        cache.set(key, page, seconds)
        _memory.set(version, key, page, seconds)
    return response
