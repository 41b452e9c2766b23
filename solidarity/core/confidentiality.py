"""Confidentiality per record and per field.

Every channel that shows case data to the public (pages, feeds, API, exports, search, sitemaps)
reads through `visible_to()` for records and `redact()` for fields, so there is one place where
restricted data is held back. A redacted instance refuses to be saved.
"""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

VIEW_RESTRICTED_PERMISSION = "cases.view_restricted"


class Confidentiality(models.TextChoices):
    PUBLIC = "public", _("Public")
    RESTRICTED = "restricted", _("Restricted")


def can_see_restricted(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.has_perm(VIEW_RESTRICTED_PERMISSION)
    )


class ConfidentialQuerySet(models.QuerySet):
    def public(self) -> Self:
        return self.filter(confidentiality=Confidentiality.PUBLIC)

    def visible_to(self, user) -> Self:
        return self if can_see_restricted(user) else self.public()


class ConfidentialModel(models.Model):
    """A record that can be restricted whole, or field by field.

    `RESTRICTABLE_FIELDS` names the fields an organiser may restrict; for a translated field
    the base name covers every language column.
    """

    RESTRICTABLE_FIELDS: tuple[str, ...] = ()

    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=12,
        choices=Confidentiality.choices,
        default=Confidentiality.PUBLIC,
        help_text=_("Restricted records are shown only to signed-in organisers."),
    )
    restricted_fields = models.JSONField(
        _("restricted fields"),
        default=list,
        blank=True,
        help_text=_("Fields of this record shown only to signed-in organisers."),
    )
    sources = models.TextField(
        _("sources"), blank=True, help_text=_("Where this information comes from, one per line.")
    )

    objects = ConfidentialQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if getattr(self, "_redacted", False):
            raise RuntimeError("A redacted copy of a record must never be saved.")
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        unknown = sorted(set(self.restricted_fields or []) - set(self.RESTRICTABLE_FIELDS))
        if unknown:
            raise ValidationError(
                {
                    "restricted_fields": _(
                        "These fields cannot be restricted: %(fields)s. Allowed: %(allowed)s."
                    )
                    % {
                        "fields": ", ".join(unknown),
                        "allowed": ", ".join(self.RESTRICTABLE_FIELDS) or "-",
                    }
                }
            )

    @property
    def is_restricted(self) -> bool:
        return self.confidentiality == Confidentiality.RESTRICTED

    def source_list(self) -> list[str]:
        return [line.strip() for line in self.sources.splitlines() if line.strip()]


def field_columns(model: type[models.Model], name: str) -> list[str]:
    """The database columns behind a field name: one per language for a translated field."""
    from modeltranslation.translator import NotRegistered, translator

    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:
        return [name]
    if name in options.all_fields:
        return [name] + [f"{name}_{code}" for code, _label in settings.LANGUAGES]
    return [name]


def _blank_value(field: models.Field):
    if isinstance(field, models.JSONField):
        return field.get_default()
    if isinstance(field, (models.CharField, models.TextField, models.FileField)):
        return ""
    return None


def redact(instance: ConfidentialModel, user=None) -> ConfidentialModel:
    """Blank the restricted fields of `instance` in memory, unless `user` may see them."""
    if can_see_restricted(user) or not instance.restricted_fields:
        return instance
    for name in instance.restricted_fields:
        for column in field_columns(type(instance), name):
            field = instance._meta.get_field(column)
            blank = (
                None
                if field.null
                else (
                    ""
                    if isinstance(field, (models.CharField, models.TextField, models.FileField))
                    else None
                )
            )
            if isinstance(field, models.JSONField):
                blank = field.get_default()
            setattr(instance, column, blank)
    instance._redacted = True
    return instance


def is_field_visible(instance: ConfidentialModel, name: str, user=None) -> bool:
    return can_see_restricted(user) or name not in (instance.restricted_fields or [])
