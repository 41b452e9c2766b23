"""Query parameters of the read API, validated strictly.

An empty value means "no filter"; anything else must be well formed, or the client gets a 400
naming the parameter. Unknown or repeated parameters are refused too, so a typo such as
`?statu=detained` is reported instead of silently returning every case.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django_countries import countries
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from solidarity.api.fields import EnumField
from solidarity.cases.selectors import Status
from solidarity.publications.models import Publication

PAGINATION_PARAMS = ("limit", "offset")


def check_known_params(query_params, allowed: set[str]) -> None:
    errors = {}
    for name in query_params:
        if name not in allowed:
            errors[name] = [
                _("Unknown parameter. Known parameters: %(known)s.")
                % {"known": ", ".join(sorted(allowed)) or "-"}
            ]
        elif len(query_params.getlist(name)) > 1:
            errors[name] = [_("Give this parameter only once.")]
    if errors:
        raise ValidationError(errors)


class NoFilters(serializers.Serializer):
    pass


class CaseFilters(serializers.Serializer):
    country = serializers.RegexField(
        r"^[A-Za-z]{2}$",
        required=False,
        allow_blank=True,
        help_text="ISO 3166-1 alpha-2 country code, e.g. BY.",
        error_messages={"invalid": "Give a two-letter ISO 3166-1 country code such as BY."},
    )
    status = EnumField(
        choices=[Status.DETAINED, Status.RELEASED, Status.NOT_DETAINED],
        required=False,
        allow_blank=True,
        help_text="Derived from the detention episodes on record.",
    )
    organisation = serializers.SlugField(
        required=False,
        allow_blank=True,
        max_length=120,
        help_text="Slug of an organisation the person belongs to.",
    )
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Part of a name, in any language or spelling.",
    )

    def validate_country(self, value: str) -> str:
        code = value.upper()
        if code and code not in countries:
            raise serializers.ValidationError(
                _("“%(code)s” is not an ISO 3166-1 country code.") % {"code": value}
            )
        return code


class PublicationFilters(serializers.Serializer):
    language = EnumField(
        choices=[code for code, _name in settings.LANGUAGES], required=False, allow_blank=True
    )
    kind = EnumField(choices=Publication.Kind.values, required=False, allow_blank=True)
    case = serializers.SlugField(
        required=False,
        allow_blank=True,
        max_length=120,
        help_text="Slug of a case the publication is about.",
    )


def validated(filters_class, query_params, *, paginated: bool) -> dict:
    filters = filters_class(data=query_params)
    allowed = set(filters.fields) | (set(PAGINATION_PARAMS) if paginated else set())
    check_known_params(query_params, allowed)
    filters.is_valid(raise_exception=True)
    return filters.validated_data
