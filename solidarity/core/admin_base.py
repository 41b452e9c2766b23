"""Base classes for this project's admin pages.

Every tracked model gets simple-history's history pages; every model with per-language
fields gets modeltranslation's language tabs. modeltranslation's own tabbed admin would load
jQuery UI from a CDN, which the no-third-party-scripts rule (and our Content-Security-Policy)
forbids, so the tabs come from `solidarity/admin/tabs.js`, served by the platform itself.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from solidarity.core.admin_forms import ConfidentialModelForm

CONFIDENTIALITY_FIELDS = ("confidentiality", "restricted_fields", "sources")


class LanguageTabsMedia:
    js = (
        "admin/js/jquery.init.js",
        "modeltranslation/js/force_jquery.js",
        "solidarity/admin/tabs.js",
        "modeltranslation/js/tabbed_translation_fields.js",
    )
    css = {"all": ("modeltranslation/css/tabbed_translation_fields.css",)}


class HistoryAdmin(SimpleHistoryAdmin):
    """A tracked model without translated fields of its own (its inlines may have some)."""

    Media = LanguageTabsMedia


class TranslatedHistoryAdmin(SimpleHistoryAdmin, TranslationAdmin):
    """A tracked model with per-language fields, shown as one tab per language."""

    Media = LanguageTabsMedia


class ConfidentialAdminMixin:
    """For admins and inlines of confidential records: restricted fields as checkboxes."""

    form = ConfidentialModelForm
    # A link typed without a scheme is taken as https, the default from Django 6 on.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


def confidentiality_fieldset() -> tuple:
    """The fieldset that every confidential record's page ends with."""
    return (
        _("Confidentiality and sources"),
        {"fields": CONFIDENTIALITY_FIELDS},
    )
