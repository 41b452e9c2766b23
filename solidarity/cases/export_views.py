"""The public export of cases: anyone may download what the public pages show.

Always public-only, whoever asks (an organiser's full export is the command line's), so one
cached copy per format serves everybody. The format is described in docs/data-format.md.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from solidarity.cases import interchange
from solidarity.core.page_cache import cached_page

PUBLIC_ONLY = {"include_restricted": False}


def _download(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: partners may fetch it directly
    return response


def _public_page(view):
    """Cached as a page; signed-in organisers skip the cache but get the same public data."""
    return require_GET(cached_page()(view))


@_public_page
def export_json(request):
    return _download(
        interchange.export_json(**PUBLIC_ONLY),
        "application/json; charset=utf-8",
        "solidarity-cases.json",
    )


@_public_page
def export_people_csv(request):
    return _download(
        interchange.export_people_csv(**PUBLIC_ONLY),
        "text/csv; charset=utf-8",
        "solidarity-people.csv",
    )


@_public_page
def export_csv_zip(request):
    return _download(
        interchange.export_csv_zip(**PUBLIC_ONLY), "application/zip", "solidarity-cases-csv.zip"
    )
