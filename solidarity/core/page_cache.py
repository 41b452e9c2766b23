"""A whole-page cache for anonymous visitors, coherent across server processes.

Pages are cached under a content version kept in the shared cache; any write bumps the
version (see cases.signals), so no process serves a page older than the data, and a field
made restricted disappears from public pages at once. Signed-in users bypass the cache.
"""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import translation

VERSION_KEY = "solidarity:content-version"


def content_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def bump_content_version() -> None:
    def bump() -> None:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.set(VERSION_KEY, 2, timeout=None)

    bump()
    # A reader between the write and the commit could cache the old data under the new version.
    transaction.on_commit(bump)


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
            parts = [
                str(content_version()),
                translation.get_language() or "",
                request.get_full_path(),
            ]
            if extra_key:
                parts.append(str(extra_key(request, *args, **kwargs)))
            key = "page:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()
            response = cache.get(key)
            if response is None:
                response = view(request, *args, **kwargs)
                if response.status_code == 200 and not response.cookies:
                    if hasattr(response, "render"):
                        response.render()
                    cache.set(key, response, settings.PAGE_CACHE_SECONDS)
            return response

        return wrapper

    return decorator
