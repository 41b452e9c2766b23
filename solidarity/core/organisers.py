"""Creating organiser accounts: a staff user in exactly one role group (see core.roles)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from solidarity.core.roles import ROLE_PERMISSIONS, assign_role

ROLES = tuple(ROLE_PERMISSIONS)


def ensure_role_group(role: str) -> bool:
    """Make sure the role's group exists; True if it had to be created (without permissions).

    The groups come from core's roles migration; this only matters on a database where that
    migration has not run, and `manage.py sync_roles` gives the group its permissions later.
    """
    _group, created = Group.objects.get_or_create(name=role)
    return created


@transaction.atomic
def create_organiser(username: str, email: str, role: str, password: str, *, reset=False):
    """A new organiser (or, with `reset`, an existing one given a new password and role).

    Raises ValueError for an unknown role or a taken username, and Django's ValidationError
    for a password the validators refuse.
    """
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is not None and not reset:
        raise ValueError(f"There is already a user called {username!r}.")
    user = user or user_model(username=username)
    user.email = email
    validate_password(password, user)
    user.set_password(password)
    user.is_active = True
    user.save()
    ensure_role_group(role)
    assign_role(user, role)
    return user
