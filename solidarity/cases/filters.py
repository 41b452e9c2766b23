"""The case list's filters: what a visitor may ask for, and the choices worth offering."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django_countries import countries as country_names

from solidarity.cases.display import STATUS_LABELS
from solidarity.cases.models import Membership, Organisation, Person


class CaseFilters(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    country = forms.CharField(
        label=_("Country"),
        required=False,
        widget=forms.Select,
        validators=[
            RegexValidator(
                r"^[A-Za-z]{2}$", _("Choose a country by its two-letter code, such as BY.")
            )
        ],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *STATUS_LABELS.items()],
        error_messages={"invalid_choice": _("“%(value)s” is not a status we know.")},
    )
    organisation = forms.ChoiceField(
        label=_("Organisation"),
        required=False,
        error_messages={"invalid_choice": _("“%(value)s” is not an organisation on record.")},
    )

    def __init__(self, data, *, user):
        super().__init__(data)
        self.fields["country"].widget.choices = [
            ("", _("All countries")),
            *countries_present(user),
        ]
        self.fields["organisation"].choices = [
            ("", _("All organisations")),
            *organisations_present(user),
        ]

    def clean_country(self) -> str:
        return self.cleaned_data["country"].upper()


def countries_present(user) -> list[tuple[str, str]]:
    codes = (
        Person.objects.visible_to(user)
        .exclude(country="")
        .values_list("country", flat=True)
        .distinct()
    )
    return sorted(((code, country_names.name(code)) for code in codes), key=lambda c: c[1])


def organisations_present(user) -> list[tuple[str, str]]:
    """Organisations with at least one member the viewer may see, so no choice is a dead end."""
    memberships = Membership.objects.visible_to(user).filter(
        person__in=Person.objects.visible_to(user)
    )
    organisations = (
        Organisation.objects.visible_to(user).filter(memberships__in=memberships).distinct()
    )
    return [(o.slug, o.name) for o in organisations]
