"""Helpers for admin tests: organisers in each role, and a browser's view of an admin form."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from solidarity.core.roles import assign_role


@pytest.fixture
def plain_static(settings):
    """Admin pages without a collectstatic manifest.

    conftest.py asks for plain static files through the environment, but pytest-django has
    already read the settings by then; until that is fixed, admin tests switch it here.
    """
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def organiser_in_role(django_user_model, role: str, username: str | None = None):
    """A signed-in-able organiser whose only powers come from the role's group."""
    user = django_user_model.objects.create_user(
        username or f"{role}-organiser", f"{role}@example.org", "correct horse battery"
    )
    assign_role(user, role)
    return user


def form_fields(page: bytes | str, form_id: str) -> dict[str, list[str]]:
    """What a browser would submit from the form `form_id` on `page`, before any editing.

    Inline management forms and the empty templates of inlines are included, as a browser
    includes them.
    """
    if isinstance(page, bytes):
        page = page.decode()  # lxml would otherwise guess the encoding and mangle Cyrillic
    form = lxml_html.fromstring(page).get_element_by_id(form_id)
    data: dict[str, list[str]] = {}
    for element in form.iter("input", "select", "textarea"):
        name = element.get("name")
        if not name or element.get("disabled") is not None:
            continue
        values = _submitted_values(element)
        if values is not None:
            data.setdefault(name, []).extend(values)
    return data


def _submitted_values(element) -> list[str] | None:
    if element.tag == "textarea":
        return [element.text_content()]
    if element.tag == "select":
        chosen = [
            o.get("value", o.text_content())
            for o in element.iter("option")
            if o.get("selected") is not None
        ]
        if not chosen and element.get("multiple") is None:
            first = next(element.iter("option"), None)
            chosen = [first.get("value", first.text_content())] if first is not None else []
        return chosen
    kind = (element.get("type") or "text").lower()
    if kind in {"submit", "button", "image", "reset", "file"}:
        return None
    if kind in {"checkbox", "radio"}:
        return [element.get("value", "on")] if element.get("checked") is not None else None
    return [element.get("value", "")]


def make_full_case():
    """A person with one record of every kind the admin edits, and a publication about them."""
    from datetime import date

    from solidarity.cases import models as cases
    from solidarity.publications.models import MediaContact, Publication, Tag

    org = cases.Organisation.objects.create(slug="viasna", name_en="Viasna", country="BY")
    person = cases.Person.objects.create(
        slug="ales-bialiatski", name_en="Ales Bialiatski", name_be="Алесь Бяляцкі", country="BY"
    )
    cases.Membership.objects.create(person=person, organisation=org, role_en="chair")
    episode = cases.DetentionEpisode.objects.create(person=person, arrest_date=date(2021, 7, 14))
    cases.Charge.objects.create(episode=episode, code="Criminal Code", article="228", part="4")
    cases.Proceeding.objects.create(
        episode=episode, court="Minsk city court", date=date(2023, 3, 3), stage="first_instance"
    )
    cases.Sentence.objects.create(episode=episode, date=date(2023, 3, 3), term="P10Y")
    cases.DetentionPlace.objects.create(episode=episode, name="Penal colony No. 9")
    cases.Decision.objects.create(
        person=person, kind="decision", body_type="un_wgad", body_en="UN WGAD"
    )
    cases.CaseUpdate.objects.create(
        person=person, date=date(2024, 1, 1), kind="health", title_en="Health worries"
    )
    tag = Tag.objects.create(slug="nobel", name="Nobel")
    publication = Publication.objects.create(
        kind="statement", language="en", slug="free-ales", title="Free Ales", body="<p>Now.</p>"
    )
    publication.related_cases.add(person)
    publication.tags.add(tag)
    MediaContact.objects.create(publication=publication, name="Press desk")
    return person
