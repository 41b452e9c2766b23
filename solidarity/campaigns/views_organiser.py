"""The organiser's pages for one Thunderclap, served inside the Django admin.

`CampaignAdmin.get_urls` mounts these behind `admin_site.admin_view`, so they get the admin's
sign-in, its permissions and its translations. Each view checks the model permission it
needs, parses input, calls one action and redirects; nothing here changes a row itself.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from solidarity.campaigns import actions, preview, report, selectors
from solidarity.campaigns.models import Campaign, MessageVersion

EDITABLE_MESSAGE = (Campaign.State.DRAFT, Campaign.State.OPEN, Campaign.State.ARMED)
# Once armed, deliveries carry their text: withdrawing a version then would not stop them.
WITHDRAWABLE = (Campaign.State.DRAFT, Campaign.State.OPEN)
CANCELLABLE = (
    Campaign.State.DRAFT,
    Campaign.State.OPEN,
    Campaign.State.ARMED,
    Campaign.State.SENDING,
)


class MessageForm(forms.Form):
    """One textarea per language; a language left empty has no variant."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, name in settings.LANGUAGES:
            self.fields[code] = forms.CharField(
                label=name,
                required=False,
                strip=True,
                widget=forms.Textarea(attrs={"rows": 5, "cols": 80, "lang": code}),
            )

    def texts(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(code, "") for code, _name in settings.LANGUAGES}


def current_texts(campaign: Campaign) -> dict[str, str]:
    version = campaign.current_version()
    if version is None:
        return {}
    return dict(version.variants.values_list("language", "text"))


def _campaign(model_admin, request: HttpRequest, object_id, *, change: bool) -> Campaign:
    campaign = model_admin.get_object(request, str(object_id))
    if campaign is None:
        raise Http404
    allowed = (
        model_admin.has_change_permission(request, campaign)
        if change
        else model_admin.has_view_permission(request, campaign)
    )
    if not allowed:
        raise PermissionDenied
    return campaign


def _context(model_admin, request: HttpRequest, campaign: Campaign, title: str, **extra) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": campaign,
        "campaign": campaign,
        "title": title,
        "has_change_permission": model_admin.has_change_permission(request, campaign),
        **extra,
    }


def _change_url(campaign: Campaign) -> str:
    return reverse("admin:campaigns_campaign_change", args=[campaign.pk])


def message(request: HttpRequest, object_id, *, model_admin) -> HttpResponse:
    """Write the message; an edit always makes a new version (consent never moves silently)."""
    campaign = _campaign(model_admin, request, object_id, change=request.method == "POST")
    editable = campaign.state in EDITABLE_MESSAGE and model_admin.has_change_permission(
        request, campaign
    )
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        form = MessageForm(request.POST)
        if form.is_valid() and _publish(request, campaign, form):
            return redirect(_change_url(campaign))
    else:
        form = MessageForm(initial=current_texts(campaign))
    versions = campaign.versions.prefetch_related("variants").order_by("-number")
    return TemplateResponse(
        request,
        "campaigns/organiser/message.html",
        _context(
            model_admin,
            request,
            campaign,
            _("Message of %(title)s") % {"title": campaign.title},
            form=form,
            editable=editable,
            versions=versions,
            can_withdraw=editable and campaign.state in WITHDRAWABLE,
            has_pledges=campaign.pledges.exists(),
        ),
    )


def _publish(request: HttpRequest, campaign: Campaign, form: MessageForm) -> bool:
    texts = form.texts()
    in_force = current_texts(campaign)
    if in_force and {k: v for k, v in texts.items() if v} == in_force:
        messages.info(request, _("The message is unchanged; no new version was made."))
        return True
    try:
        version = actions.do_publish_version(campaign, texts)
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            form.add_error(None if field == "__all__" else field, problems)
        return False
    messages.success(
        request, _("Version %(number)d of the message is published.") % {"number": version.number}
    )
    return True


@require_POST
def withdraw_version(request: HttpRequest, object_id, version_id, *, model_admin) -> HttpResponse:
    campaign = _campaign(model_admin, request, object_id, change=True)
    version = get_object_or_404(MessageVersion, pk=version_id, campaign=campaign)
    if campaign.state not in WITHDRAWABLE:
        messages.error(request, _("After pledging has closed, cancel the Thunderclap instead."))
    else:
        actions.do_withdraw_version(version)
        messages.success(
            request,
            _("Version %(number)d is withdrawn: pledges still on it will post nothing.")
            % {"number": version.number},
        )
    return redirect(reverse("admin:campaigns_campaign_message", args=[campaign.pk]))


@require_POST
def open_campaign(request: HttpRequest, object_id, *, model_admin) -> HttpResponse:
    campaign = _campaign(model_admin, request, object_id, change=True)
    try:
        actions.do_open(campaign)
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
    else:
        messages.success(request, _("The Thunderclap is open for pledges."))
    return redirect(_change_url(campaign))


def cancel(request: HttpRequest, object_id, *, model_admin) -> HttpResponse:
    """The kill switch: a confirmation page, then `do_cancel`, which returns only when
    nothing more can go out."""
    campaign = _campaign(model_admin, request, object_id, change=True)
    if campaign.state not in CANCELLABLE:
        messages.error(request, _("This Thunderclap is over; there is nothing to cancel."))
        return redirect(_change_url(campaign))
    if request.method == "POST":
        actions.do_cancel(campaign)
        messages.success(
            request,
            _(
                "The Thunderclap is cancelled: nothing more will be posted, "
                "and every access is revoked."
            ),
        )
        return redirect(reverse("admin:campaigns_campaign_report", args=[campaign.pk]))
    return TemplateResponse(
        request,
        "campaigns/organiser/cancel.html",
        _context(
            model_admin,
            request,
            campaign,
            _("Cancel %(title)s?") % {"title": campaign.title},
            report=report.build(campaign),
        ),
    )


def dashboard(request: HttpRequest, object_id, *, model_admin) -> HttpResponse:
    campaign = _campaign(model_admin, request, object_id, change=False)
    return TemplateResponse(
        request,
        "campaigns/organiser/report.html",
        _context(
            model_admin,
            request,
            campaign,
            _("Report on %(title)s") % {"title": campaign.title},
            report=report.build(campaign),
        ),
    )


def export_csv(request: HttpRequest, object_id, *, model_admin) -> HttpResponse:
    campaign = _campaign(model_admin, request, object_id, change=False)
    response = StreamingHttpResponse(
        report.csv_lines(selectors.export_rows(campaign)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-deliveries.csv"'
    return response


def change_page_context(campaign: Campaign) -> dict:
    """What the change page adds to the admin's form: the preview and the buttons' states."""
    return {
        "previews": preview.preview_version(campaign, campaign.current_version()),
        "can_open": campaign.state == Campaign.State.DRAFT,
        "can_cancel": campaign.state in CANCELLABLE,
        "supporters": actions.count_supporters(campaign),
    }
