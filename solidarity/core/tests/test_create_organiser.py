"""create_organiser makes a staff user in exactly the group of its role."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

PASSWORD = "a long passphrase of words"


@pytest.fixture
def password_file(tmp_path):
    path = tmp_path / "password"
    path.write_text(PASSWORD + "\n")
    return path


def _create(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("create_organiser", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("role", ["admin", "editor", "viewer"])
def test_the_organiser_is_staff_in_the_group_of_the_role(password_file, role):
    _create("olga", "olga@example.org", "--role", role, "--password-file", str(password_file))

    user = get_user_model().objects.get(username="olga")
    assert user.is_staff
    assert not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [role]
    assert user.check_password(PASSWORD)


def test_the_role_groups_come_with_their_permissions(password_file):
    _create("vic", "vic@example.org", "--role", "viewer", "--password-file", str(password_file))

    user = get_user_model().objects.get(username="vic")
    assert user.has_perm("cases.view_restricted")
    assert not user.has_perm("cases.change_person")


def test_a_missing_group_is_created_and_reported(password_file):
    Group.objects.filter(name="editor").delete()

    _out, err = _create("ed", "ed@example.org", "--password-file", str(password_file))

    assert "did not exist" in err
    assert get_user_model().objects.get(username="ed").groups.get().name == "editor"


def test_a_weak_password_is_refused(tmp_path):
    weak = tmp_path / "weak"
    weak.write_text("password\n")

    with pytest.raises(CommandError, match=r"too short|too common"):
        _create("bob", "bob@example.org", "--password-file", str(weak))

    assert not get_user_model().objects.filter(username="bob").exists()


def test_an_existing_username_is_refused(password_file):
    _create("olga", "olga@example.org", "--password-file", str(password_file))

    with pytest.raises(CommandError, match="already"):
        _create("olga", "other@example.org", "--password-file", str(password_file))
