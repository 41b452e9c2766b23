"""The organisers' pages for publications.

Each publication is one language; its other-language versions share a `translation_group`.
The list links the versions that exist and offers to start the missing ones, with the group,
kind, cases, tags and countries filled in. The body is sanitised by the model on every save.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from solidarity.publications.models import MediaContact, Publication, Tag


def _pk_list(queryset) -> str:
    return ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))


def add_translation_url(publication: Publication, language: str) -> str:
    """The admin's add page, pre-filled as a new `language` version of `publication`."""
    prefill = {
        "translation_group": str(publication.translation_group),
        "language": language,
        "kind": publication.kind,
        "related_cases": _pk_list(publication.related_cases),
        "tags": _pk_list(publication.tags),
        "countries": ",".join(country.code for country in publication.countries),
    }
    return f"{reverse('admin:publications_publication_add')}?{urlencode(prefill)}"


class MediaContactInline(admin.TabularInline):
    model = MediaContact
    extra = 0
    fields = ("name", "role", "phone", "email")


@admin.register(Publication)
class PublicationAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "language", "status", "published_at", "versions", "is_demo")
    list_filter = ("kind", "language", "status", "tags", "is_demo")
    search_fields = ("title", "summary", "slug")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("related_cases", "tags")
    readonly_fields = ("versions", "is_demo")
    fieldsets = (
        (None, {"fields": ("kind", "language", "title", "slug", "summary", "body")}),
        (_("Publishing"), {"fields": ("status", "published_at")}),
        (_("About"), {"fields": ("related_cases", "tags", "countries")}),
        (_("Other languages"), {"fields": ("translation_group", "versions", "is_demo")}),
    )
    inlines = (MediaContactInline,)

    @admin.display(description=_("other languages"))
    def versions(self, publication: Publication) -> str:
        if publication.pk is None:
            return "–"
        existing = dict(
            Publication.objects.filter(translation_group=publication.translation_group)
            .exclude(pk=publication.pk)
            .values_list("language", "pk")
        )
        links = [
            (reverse("admin:publications_publication_change", args=[pk]), code, "", code.upper())
            for code, pk in existing.items()
        ]
        links += [
            (add_translation_url(publication, code), code, _("Add a translation"), f"+ {code}")
            for code, _label in settings.LANGUAGES
            if code != publication.language and code not in existing
        ]
        return format_html_join(" ", '<a href="{}" hreflang="{}" title="{}">{}</a>', links)

    def get_changeform_initial_data(self, request):
        # Django splits many-to-many values on commas; countries are stored the same way.
        initial = super().get_changeform_initial_data(request)
        if isinstance(initial.get("countries"), str):
            initial["countries"] = [code for code in initial["countries"].split(",") if code]
        return initial


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
