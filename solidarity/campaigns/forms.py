"""What a supporter fills in to pledge. Tokens never pass through a form."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from solidarity.campaigns.models import Campaign, Pledge
from solidarity.core import safe_http


class SupporterForm(forms.Form):
    """What every pledge asks, whatever the network."""

    language = forms.ChoiceField(label=_("Message language"))
    personal_line = forms.CharField(
        label=_("Your own line (optional)"),
        required=False,
        help_text=_("Added below the message, so that posts are not all identical."),
    )
    kind = forms.ChoiceField(
        label=_("I pledge as"), choices=Pledge.Kind.choices, initial=Pledge.Kind.PERSON
    )
    display_name = forms.CharField(label=_("Name to list"), required=False, max_length=200)
    listed_publicly = forms.BooleanField(
        label=_("List my name publicly on this page"),
        required=False,
        help_text=_("Leave unticked to be counted without being named."),
    )

    def __init__(self, *args, campaign: Campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        version = campaign.current_version()
        names = dict(settings.LANGUAGES)
        languages = [v.language for v in version.variants.all()] if version else []
        self.fields["language"].choices = [(code, names.get(code, code)) for code in languages]
        maximum = campaign.personal_line_max
        if maximum:
            self.fields["personal_line"].widget.attrs["maxlength"] = str(maximum)
            self.fields["personal_line"].help_text = _(
                "Added below the message, at most %(max)d characters."
            ) % {"max": maximum}
        else:
            del self.fields["personal_line"]

    def clean_personal_line(self) -> str:
        line = self.cleaned_data.get("personal_line", "").strip()
        if len(line) > self.campaign.personal_line_max:
            raise forms.ValidationError(
                _("Your line may have at most %(max)d characters; it has %(length)d.")
                % {"max": self.campaign.personal_line_max, "length": len(line)}
            )
        return line

    def clean(self) -> dict:
        data = super().clean()
        if data.get("listed_publicly") and not (data.get("display_name") or "").strip():
            self.add_error("display_name", _("Give the name to list, or untick the box."))
        return data

    @property
    def supporter(self) -> dict:
        data = self.cleaned_data
        return {
            "language": data["language"],
            "personal_line": data.get("personal_line", ""),
            "kind": data["kind"],
            "display_name": data.get("display_name", "").strip(),
            "listed_publicly": bool(data.get("listed_publicly")),
        }


class MastodonPledgeForm(SupporterForm):
    prefix = "mastodon"  # both forms share one page; prefixes keep their field ids apart
    server = forms.CharField(
        label=_("Your Mastodon server"),
        max_length=300,
        help_text=_("For example mastodon.social, or your handle such as @name@mastodon.social."),
    )
    email = forms.EmailField(
        label=_("Email for notices (optional)"),
        required=False,
        help_text=_("Only to tell you if something needs your attention; erased afterwards."),
    )
    field_order = ["server", "language", "personal_line", "kind", "display_name"]

    def clean_server(self) -> str:
        """Normalised and checked: an address that is not public is refused here, before any
        connection is made."""
        try:
            return safe_http.check_server(self.cleaned_data["server"])
        except safe_http.RefusedAddress as refusal:
            raise forms.ValidationError(str(refusal.message), code=refusal.reason) from refusal


class ReminderPledgeForm(SupporterForm):
    prefix = "reminder"
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_(
            "We first send a link to confirm it. Then one email at the moment, with the message "
            "and share links, and we erase the address."
        ),
    )
    field_order = ["email", "language", "personal_line", "kind", "display_name"]
