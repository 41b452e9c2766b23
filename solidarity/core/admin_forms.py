"""Admin forms shared by every confidential record.

`restricted_fields` is stored as a JSON list of field names. Organisers should not type JSON:
they tick the fields to hold back, chosen from the model's `RESTRICTABLE_FIELDS`, so a
misspelt or unknown name can never be stored.
"""

from django import forms
from django.utils.text import capfirst


def restrictable_choices(model) -> list[tuple[str, str]]:
    """(name, label) for each field `model` lets an organiser restrict, in declaration order."""
    return [
        (name, capfirst(model._meta.get_field(name).verbose_name))
        for name in model.RESTRICTABLE_FIELDS
    ]


class RestrictedFieldsFormMixin:
    """Turns `restricted_fields` into checkboxes of the model's restrictable fields.

    Mix it into any ModelForm of a `ConfidentialModel`; the cleaned value is a plain list,
    which the JSON field stores as it is.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "restricted_fields" not in self.fields:
            return
        current = self.fields["restricted_fields"]
        self.fields["restricted_fields"] = forms.MultipleChoiceField(
            label=current.label,
            help_text=current.help_text,
            required=False,
            choices=restrictable_choices(self._meta.model),
            widget=forms.CheckboxSelectMultiple,
        )


class ConfidentialModelForm(RestrictedFieldsFormMixin, forms.ModelForm):
    """The admin form of every confidential record and inline."""
