"""The organisers' pages for the case registry.

Thin on purpose: status comes from `selectors`, who changed a record last from
`core.history`, and every confidential record gets the restricted-field checkboxes of
`core.admin_forms`.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline, TranslationTabularInline

from solidarity.cases import selectors
from solidarity.cases.models import (
    CaseUpdate,
    Charge,
    Decision,
    DetentionEpisode,
    DetentionPlace,
    Membership,
    Organisation,
    Person,
    Proceeding,
    Sentence,
)
from solidarity.core.admin_base import (
    CONFIDENTIALITY_FIELDS,
    ConfidentialAdminMixin,
    HistoryAdmin,
    TranslatedHistoryAdmin,
    confidentiality_fieldset,
)
from solidarity.core.history import with_last_editor

STATUS_LABELS = {
    selectors.Status.DETAINED: _("Detained"),
    selectors.Status.RELEASED: _("Released"),
    selectors.Status.NOT_DETAINED: _("No detention on record"),
}
PERSON_NAME_SEARCH = ("name_en", "name_be", "name_ru", "other_names")


class DerivedStatusFilter(admin.SimpleListFilter):
    """Status is never stored: it is derived from the detention episodes by `selectors`."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return list(STATUS_LABELS.items())

    def queryset(self, request, queryset):
        if self.value() not in STATUS_LABELS:
            return queryset
        matching = selectors.cases(request.user, status=self.value())
        return queryset.filter(pk__in=matching.values("pk"))


class MembershipInline(ConfidentialAdminMixin, TranslationTabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("organisation",)
    fields = (
        "organisation",
        "role",
        "start_date",
        "end_date",
        *CONFIDENTIALITY_FIELDS,
    )


class EpisodeInline(ConfidentialAdminMixin, admin.TabularInline):
    """A summary row per episode; charges, trials and prisons are edited on the episode's page."""

    model = DetentionEpisode
    extra = 0
    show_change_link = True
    fields = ("arrest_date", "arrest_place", "release_date", "release_mode", "confidentiality")


DECISION_FIELDS = (
    ("kind", "body_type", "finding"),
    "body",
    ("reference", "document_symbol", "session"),
    ("adopted_on", "published_on"),
    "summary",
    "quotation",
    "url",
)


class DecisionInline(ConfidentialAdminMixin, TranslationStackedInline):
    model = Decision
    extra = 0
    fields = (*DECISION_FIELDS, *CONFIDENTIALITY_FIELDS)


class CaseUpdateInline(ConfidentialAdminMixin, TranslationStackedInline):
    model = CaseUpdate
    extra = 0
    fields = (("date", "kind"), "title", "text", *CONFIDENTIALITY_FIELDS)


@admin.register(Person)
class PersonAdmin(ConfidentialAdminMixin, TranslatedHistoryAdmin):
    list_display = ("name", "country", "status", "is_demo", "last_changed_by")
    list_filter = (DerivedStatusFilter, "country", "confidentiality", "is_demo")
    search_fields = PERSON_NAME_SEARCH
    prepopulated_fields = {"slug": ("name_en",)}
    readonly_fields = ("is_demo", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "other_names", "slug")}),
        (
            _("About the person"),
            {
                "fields": (
                    ("birth_date", "gender"),
                    ("country", "time_zone"),
                    ("photo", "photo_credit"),
                    "biography",
                    "identifiers",
                )
            },
        ),
        confidentiality_fieldset(),
        (_("Record"), {"fields": ("is_demo", "created_at", "updated_at")}),
    )
    inlines = (MembershipInline, EpisodeInline, DecisionInline, CaseUpdateInline)

    def get_queryset(self, request):
        return with_last_editor(super().get_queryset(request)).prefetch_related("episodes")

    @admin.display(description=_("status"))
    def status(self, person: Person) -> str:
        return STATUS_LABELS[selectors.status_of(list(person.episodes.all()))]

    @admin.display(description=_("last changed by"), ordering="last_changed_by")
    def last_changed_by(self, person: Person) -> str:
        return person.last_changed_by or "–"


class ChargeInline(ConfidentialAdminMixin, TranslationTabularInline):
    model = Charge
    extra = 0
    # A charge has no restrictable fields: it is public or restricted as a whole.
    fields = ("code", "article", "part", "label", "confidentiality", "sources")


class ProceedingInline(ConfidentialAdminMixin, TranslationTabularInline):
    model = Proceeding
    extra = 0
    fields = (
        "court",
        "date",
        "stage",
        "outcome",
        *CONFIDENTIALITY_FIELDS,
    )


class SentenceInline(ConfidentialAdminMixin, admin.StackedInline):
    model = Sentence
    extra = 0
    fields = (
        ("date", "term", "regime"),
        ("fine_amount", "fine_currency", "confiscation"),
        *CONFIDENTIALITY_FIELDS,
    )


class DetentionPlaceInline(ConfidentialAdminMixin, admin.TabularInline):
    model = DetentionPlace
    extra = 0
    fields = (
        "name",
        "start_date",
        "end_date",
        "postal_address",
        *CONFIDENTIALITY_FIELDS,
    )


@admin.register(DetentionEpisode)
class DetentionEpisodeAdmin(ConfidentialAdminMixin, HistoryAdmin):
    list_display = ("__str__", "arrest_date", "release_date", "release_mode", "confidentiality")
    list_filter = ("release_mode", "confidentiality", "person__country")
    list_select_related = ("person",)
    search_fields = tuple(f"person__{name}" for name in PERSON_NAME_SEARCH)
    autocomplete_fields = ("person",)
    date_hierarchy = "arrest_date"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "person",
                    ("arrest_date", "arrest_place"),
                    ("release_date", "release_mode"),
                    "notes",
                )
            },
        ),
        confidentiality_fieldset(),
    )
    inlines = (ChargeInline, ProceedingInline, SentenceInline, DetentionPlaceInline)


@admin.register(Organisation)
class OrganisationAdmin(ConfidentialAdminMixin, TranslatedHistoryAdmin):
    list_display = ("name", "abbreviation", "country", "is_demo")
    list_filter = ("country", "confidentiality", "is_demo")
    search_fields = ("name_en", "name_be", "name_ru", "abbreviation")
    prepopulated_fields = {"slug": ("name_en",)}
    readonly_fields = ("is_demo",)
    fieldsets = (
        (None, {"fields": ("name", "abbreviation", "slug", "country", "url", "is_demo")}),
        confidentiality_fieldset(),
    )


@admin.register(Decision)
class DecisionAdmin(ConfidentialAdminMixin, TranslatedHistoryAdmin):
    list_display = ("__str__", "person", "kind", "body_type", "finding", "adopted_on")
    list_filter = ("kind", "body_type", "finding", "confidentiality")
    list_select_related = ("person",)
    search_fields = (
        "reference",
        "document_symbol",
        "body_en",
        "body_be",
        "body_ru",
        *(f"person__{name}" for name in PERSON_NAME_SEARCH),
    )
    autocomplete_fields = ("person",)
    fieldsets = ((None, {"fields": ("person", *DECISION_FIELDS)}), confidentiality_fieldset())


@admin.register(CaseUpdate)
class CaseUpdateAdmin(ConfidentialAdminMixin, TranslatedHistoryAdmin):
    list_display = ("title", "person", "date", "kind", "confidentiality")
    list_filter = ("kind", "confidentiality")
    list_select_related = ("person",)
    search_fields = (
        "title_en",
        "title_be",
        "title_ru",
        *(f"person__{name}" for name in PERSON_NAME_SEARCH),
    )
    autocomplete_fields = ("person",)
    date_hierarchy = "date"
    fieldsets = (
        (None, {"fields": ("person", ("date", "kind"), "title", "text")}),
        confidentiality_fieldset(),
    )
