"""Limit/offset pagination that refuses bad values instead of quietly ignoring them.

DRF's own class falls back to defaults on `?limit=abc`, which hides client bugs; here a bad
value is a 400 that names the parameter. The bounds also keep absurd offsets away from the
database (SQLite cannot even bind an integer past 2**63).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_OFFSET = 1_000_000


def parse_bounded_int(params, name: str, default: int, minimum: int, maximum: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    # isascii() first: str.isdigit() also accepts digits of other scripts and superscripts.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(maximum)):
        value = None
    else:
        value = int(raw)
    if value is None or not minimum <= value <= maximum:
        raise ValidationError(
            {
                name: [
                    _("Give a whole number from %(minimum)d to %(maximum)d.")
                    % {"minimum": minimum, "maximum": maximum}
                ]
            }
        )
    return value


class StrictLimitOffsetPagination(LimitOffsetPagination):
    default_limit = DEFAULT_LIMIT
    max_limit = MAX_LIMIT
    max_offset = MAX_OFFSET

    def get_limit(self, request) -> int:
        return parse_bounded_int(
            request.query_params, self.limit_query_param, self.default_limit, 1, self.max_limit
        )

    def get_offset(self, request) -> int:
        return parse_bounded_int(
            request.query_params, self.offset_query_param, 0, 0, self.max_offset
        )

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.limit_query_param,
                "in": "query",
                "required": False,
                "description": "Number of results to return per page.",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_limit,
                    "default": self.default_limit,
                },
            },
            {
                "name": self.offset_query_param,
                "in": "query",
                "required": False,
                "description": "How many results to skip.",
                "schema": {"type": "integer", "minimum": 0, "maximum": self.max_offset},
            },
        ]

    def get_paginated_response_schema(self, schema: dict) -> dict:
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "minimum": 0},
                "next": link,
                "previous": link,
                "results": schema,
            },
        }
