"""One shape for every API error: {"detail": "...", "errors": {"param": ["..."]}}."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler


def api_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"request": response.data}
        response.data = {"detail": _("Some parameters are invalid."), "errors": errors}
    return response


def not_found(request, *args, **kwargs) -> JsonResponse:
    """Any /api/v1/ address that names no resource: JSON, like the rest of the API."""
    return JsonResponse({"detail": _("Not found.")}, status=404)
