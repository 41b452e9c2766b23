"""Serializer fields for the read API, each with the OpenAPI schema it really produces."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


class TranslatedField(serializers.Field):
    """A field kept once per language, shown as {"en": "...", "be": "...", "ru": "..."}.

    Each language is given as stored (an empty string when missing), without the fallback the
    web pages use, so a client can tell a translation from its absence.
    """

    def __init__(self, **kwargs) -> None:
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def to_representation(self, instance) -> dict[str, str]:
        return {
            code: getattr(instance, f"{self.field_name}_{code}", None) or ""
            for code in LANGUAGE_CODES
        }


class EnumField(serializers.ChoiceField):
    """A choice given by its value, whose error message lists the values allowed."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError:
            raise serializers.ValidationError(
                _("“%(value)s” is not allowed here. Choose one of: %(allowed)s.")
                % {"value": data, "allowed": ", ".join(str(value) for value in self.choices)}
            ) from None


class TranslatedFieldSchema(OpenApiSerializerFieldExtension):
    target_class = TranslatedField

    def map_serializer_field(self, auto_schema, direction) -> dict:
        return {
            "type": "object",
            "properties": {code: {"type": "string"} for code in LANGUAGE_CODES},
            "required": LANGUAGE_CODES,
            "additionalProperties": False,
        }


class EnumFieldSchema(OpenApiSerializerFieldExtension):
    target_class = EnumField

    def map_serializer_field(self, auto_schema, direction) -> dict:
        schema = {"type": "string", "enum": [str(value) for value in self.target.choices]}
        if self.target.allow_blank and "" not in schema["enum"]:
            schema["enum"].append("")
        return schema
