"""The organisers' pages for Thunderclaps.

Thin on purpose: every state change goes through `actions` (from the custom views in
`views_organiser`), the report's figures come from `selectors` and `report`. No page shows a
supporter's secrets (tokens, emails, handles: encrypted fields have no form field and are
never listed) or names a supporter who did not choose to be listed.
"""

from functools import partial

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from solidarity.campaigns import views_organiser
from solidarity.campaigns.models import Campaign, MessageVersion, Pledge

CAMPAIGN_FIELDS = (
    "title",
    "slug",
    "description",
    "cases",
    "moment",
    "time_zone",
    "pledge_deadline",
    "supporter_goal",
    "give_up_after",
    "link",
    "image",
    "image_alt",
    "personal_line_max",
    "recurrence",
    "anniversary_of",
)
# Fields may change while the campaign is a draft or open; after that they are history.
EDITABLE_STATES = (Campaign.State.DRAFT, Campaign.State.OPEN)
LISTED_STATES = (Pledge.State.ACTIVE, Pledge.State.BROKEN)


class MessageVersionInline(admin.TabularInline):
    """Versions are immutable: listed here, written on the message page."""

    model = MessageVersion
    extra = 0
    can_delete = False
    fields = ("number", "created_at", "withdrawn", "texts", "pledge_count")
    readonly_fields = fields
    ordering = ("-number",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("variants")
            .annotate(n_pledges=Count("pledges"))
        )

    @admin.display(description=_("texts"))
    def texts(self, version):
        return format_html_join(
            "",
            "<p><strong>{}</strong>: {}</p>",
            ((v.language, v.text) for v in version.variants.all()),
        )

    @admin.display(description=_("pledges"))
    def pledge_count(self, version):
        return version.n_pledges


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    change_form_template = "campaigns/organiser/change_form.html"
    list_display = ("title", "state", "moment", "supporters", "supporter_goal", "report_link")
    list_filter = ("state",)
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("cases",)
    fields = (*CAMPAIGN_FIELDS, "state")
    inlines = (MessageVersionInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_supporters=Count("pledges", filter=Q(pledges__state__in=LISTED_STATES)))
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.state not in EDITABLE_STATES:
            return (*CAMPAIGN_FIELDS, "state")
        return ("state",)

    def get_prepopulated_fields(self, request, obj=None):
        return (
            {}
            if obj is not None and obj.state not in EDITABLE_STATES
            else super().get_prepopulated_fields(request, obj)
        )

    def has_delete_permission(self, request, obj=None):
        # Deleting would drop pledges without revoking their access at the networks: only a
        # draft nobody pledged to, or a campaign already released, may go.
        if obj is not None and not (
            (obj.state == Campaign.State.DRAFT and not obj.pledges.exists()) or obj.released_at
        ):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        found = super().get_actions(request)
        found.pop("delete_selected", None)  # bulk delete would skip the check above
        return found

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("supporters"), ordering="n_supporters")
    def supporters(self, campaign):
        return campaign.n_supporters

    @admin.display(description=_("report"))
    def report_link(self, campaign):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:campaigns_campaign_report", args=[campaign.pk]),
            _("Report"),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        campaign = self.get_object(request, object_id)
        extra = views_organiser.change_page_context(campaign) if campaign else {}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(partial(function, model_admin=self))

        name = "campaigns_campaign_"
        return [
            path("<int:object_id>/message/", view(views_organiser.message), name=name + "message"),
            path(
                "<int:object_id>/versions/<int:version_id>/withdraw/",
                view(views_organiser.withdraw_version),
                name=name + "withdraw_version",
            ),
            path("<int:object_id>/open/", view(views_organiser.open_campaign), name=name + "open"),
            path("<int:object_id>/cancel/", view(views_organiser.cancel), name=name + "cancel"),
            path("<int:object_id>/report/", view(views_organiser.dashboard), name=name + "report"),
            path("<int:object_id>/report.csv", view(views_organiser.export_csv), name=name + "csv"),
            *super().get_urls(),
        ]


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin):
    """Read only: pledges are made by supporters and withdrawn through their private link."""

    list_display = (
        "pk",
        "campaign",
        "network",
        "kind",
        "listed_name",
        "language",
        "agreed_version",
        "state",
        "host",
        "followers_count",
        "created_at",
    )
    list_filter = ("campaign", "network", "state", "kind", "language")
    # Explicit, so that no new field (least of all a secret) appears without a decision.
    fields = (
        "campaign",
        "network",
        "kind",
        "listed_name",
        "language",
        "agreed_version",
        "state",
        "broken_reason",
        "host",
        "followers_count",
        "followers_checked_at",
        "created_at",
    )
    readonly_fields = fields
    list_select_related = ("campaign", "agreed_version__campaign")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("listed as"))
    def listed_name(self, pledge):
        return pledge.display_name if pledge.listed_publicly else "—"

    @admin.display(description=_("server"))
    def host(self, pledge):
        return pledge.host
