"""Organisers' roles: admin, editor and viewer groups, what each may do in the admin, and the
admin in every language."""

import re
from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from solidarity.cases.models import Person
from solidarity.core.confidentiality import can_see_restricted
from solidarity.core.roles import ROLE_PERMISSIONS, assign_role
from solidarity.core.tests.admin_helpers import (
    form_fields,
    make_full_case,
    organiser_in_role,
    plain_static,  # noqa: F401  (fixture)
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("plain_static")]


def granted(role: str) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=role).permissions.select_related("content_type")
    }


def test_the_migration_created_the_three_roles():
    # The test database is built by the migrations, and nothing in this test synced the roles.
    assert set(Group.objects.values_list("name", flat=True)) >= {"admin", "editor", "viewer"}
    for role in ("admin", "editor", "viewer"):
        assert "cases.view_restricted" in granted(role)


def test_admin_manages_content_and_organisers():
    admin = granted("admin")
    assert {
        "cases.delete_person",
        "cases.change_detentionepisode",
        "publications.add_publication",
        "publications.delete_tag",
        "auth.add_user",
        "auth.change_group",
    } <= admin
    assert not {p for p in admin if p.startswith(("sessions.", "contenttypes.", "admin."))}


def test_editor_edits_content_but_not_organisers_or_history():
    editor = granted("editor")
    assert {
        "cases.add_person",
        "cases.change_person",
        "cases.delete_decision",
        "cases.view_caseupdate",
        "publications.change_publication",
        "publications.add_mediacontact",
    } <= editor
    assert not {p for p in editor if p.startswith("auth.")}
    assert not {p for p in editor if "historical" in p}


def test_viewer_only_views():
    viewer = granted("viewer")
    every_view = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.filter(
            content_type__app_label__in=["cases", "publications", "campaigns"],
            codename__startswith="view_",
        ).exclude(codename__contains="historical")
    }
    assert viewer == every_view
    assert {"cases.view_person", "cases.view_restricted", "publications.view_tag"} <= viewer


def test_sync_roles_restores_the_roles_as_written_in_code():
    editor = Group.objects.get(name="editor")
    editor.permissions.remove(Permission.objects.get(codename="change_person"))
    editor.permissions.add(Permission.objects.get(codename="add_user"))
    Group.objects.get(name="viewer").delete()

    output = StringIO()
    call_command("sync_roles", stdout=output)

    assert "editor: " in output.getvalue()

    assert "cases.change_person" in granted("editor")
    assert "auth.add_user" not in granted("editor")
    assert granted("viewer")
    assert set(ROLE_PERMISSIONS) <= set(Group.objects.values_list("name", flat=True))


def test_assign_role_makes_staff_in_exactly_one_role(django_user_model):
    user = django_user_model.objects.create_user("nina", "nina@example.org", "long enough pw")
    assign_role(user, "viewer")
    assign_role(user, "editor")
    user.refresh_from_db()
    assert user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["editor"]
    with pytest.raises(ValueError, match="Unknown role"):
        assign_role(user, "owner")


def test_viewer_can_view_but_not_change(client, django_user_model):
    person = make_full_case()
    client.force_login(organiser_in_role(django_user_model, "viewer"))
    change_url = reverse("admin:cases_person_change", args=[person.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()

    response = client.post(change_url, {"name_en": "Changed", "slug": "changed"})

    assert response.status_code == 403
    person.refresh_from_db()
    assert person.name_en == "Ales Bialiatski"
    assert client.get(reverse("admin:cases_person_add")).status_code == 403


def test_editor_may_not_manage_organisers_but_admin_may(client, django_user_model):
    client.force_login(organiser_in_role(django_user_model, "editor"))
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    client.force_login(organiser_in_role(django_user_model, "admin"))
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200


@pytest.mark.parametrize("role", ["admin", "editor", "viewer"])
def test_every_role_may_see_restricted_data(django_user_model, role):
    assert can_see_restricted(organiser_in_role(django_user_model, role))


def test_staff_without_a_role_may_not_see_restricted_data(django_user_model):
    user = django_user_model.objects.create_user("intern", "i@example.org", "long enough pw")
    user.is_staff = True
    user.save()
    assert not can_see_restricted(user)


@pytest.mark.parametrize(
    "path", ["/en/admin/cases/person/", "/be/admin/", "/en/admin/publications/publication/add/"]
)
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].split("?")[0].endswith("/admin/login/")


def test_anonymous_post_changes_nothing(client):
    person = make_full_case()
    url = reverse("admin:cases_person_change", args=[person.pk])
    response = client.post(url, {"name_en": "Hijacked"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name_en == "Ales Bialiatski"


@pytest.mark.parametrize("language", ["be", "ru"])
def test_admin_speaks_the_language_of_its_address(client, django_user_model, language):
    person = make_full_case()
    client.force_login(organiser_in_role(django_user_model, "admin"))
    for path in (
        f"/{language}/admin/",
        f"/{language}/admin/cases/person/",
        f"/{language}/admin/cases/person/{person.pk}/change/",
        f"/{language}/admin/cases/person/{person.pk}/history/",
        f"/{language}/admin/publications/publication/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.content.decode()
        assert re.search(rf'<html lang="{language}"', page), path
        assert "Solidarity administration" not in page, path


def test_an_editor_change_through_a_russian_admin_is_saved(client, django_user_model):
    person = make_full_case()
    client.force_login(organiser_in_role(django_user_model, "editor"))
    url = f"/ru/admin/cases/person/{person.pk}/change/"
    data = form_fields(client.get(url).content, "person_form")
    data["other_names"] = ["Алесь Беляцкий"]
    assert client.post(url, data).status_code == 302
    assert Person.objects.get(pk=person.pk).other_names == "Алесь Беляцкий"
