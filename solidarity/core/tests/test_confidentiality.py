"""The one redaction point: restricted fields blanked, redacted copies unsaveable."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from solidarity.cases.models import Person
from solidarity.core.confidentiality import Confidentiality, redact


def make_person(**fields):
    defaults = {
        "slug": "hanna",
        "name_en": "Hanna",
        "name_be": "Ганна",
        "birth_date": date(1980, 5, 1),
        "biography_en": "Lawyer.",
        "biography_be": "Юрыстка.",
        "time_zone": "Europe/Minsk",
    }
    return Person.objects.create(**(defaults | fields))


@pytest.mark.django_db
def test_restricted_fields_are_blank_for_anonymous_in_every_language():
    person = make_person(restricted_fields=["birth_date", "biography"])
    redacted = redact(Person.objects.get(pk=person.pk), AnonymousUser())
    assert redacted.birth_date is None
    assert {redacted.biography_en, redacted.biography_be, redacted.biography} <= {"", None}
    assert redacted.name_be == "Ганна"


@pytest.mark.django_db
def test_organisers_see_restricted_fields(organiser):
    person = make_person(restricted_fields=["birth_date"])
    assert redact(Person.objects.get(pk=person.pk), organiser).birth_date == date(1980, 5, 1)


@pytest.mark.django_db
def test_a_redacted_copy_cannot_be_saved():
    person = make_person(restricted_fields=["birth_date"])
    redacted = redact(Person.objects.get(pk=person.pk), AnonymousUser())
    with pytest.raises(RuntimeError):
        redacted.save()
    assert Person.objects.get(pk=person.pk).birth_date == date(1980, 5, 1)


@pytest.mark.django_db
def test_restricted_records_are_invisible_to_anonymous(organiser):
    make_person(slug="public")
    make_person(slug="hidden", confidentiality=Confidentiality.RESTRICTED)
    assert list(Person.objects.visible_to(AnonymousUser()).values_list("slug", flat=True)) == [
        "public"
    ]
    assert Person.objects.visible_to(organiser).count() == 2


@pytest.mark.django_db
def test_only_restrictable_fields_may_be_restricted():
    person = make_person(restricted_fields=["name", "birth_date", "nonsense"])
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert "name, nonsense" in str(error.value)
