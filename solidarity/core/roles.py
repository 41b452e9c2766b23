"""The organisers' roles, kept as Django groups: admin, editor and viewer.

The code is the source of truth: `sync_roles()` gives each group exactly the permissions
listed here, so run it again (`manage.py sync_roles`) after adding a model, and change a role
here rather than by hand in the admin.

Permissions are named "app_label.codename" with shell-style wildcards. History records are
never edited, so editors and viewers get no permissions on them: simple-history's pages only
ask for the permissions of the tracked model.
"""

from dataclasses import dataclass
from fnmatch import fnmatchcase

from django.apps import apps as global_apps

CONTENT_APPS = ("cases", "publications")
CRUD = ("add", "change", "delete", "view")
HISTORY = "*.*_historical*"
# Editors run Thunderclaps but do not delete them: a deleted campaign could not revoke its
# supporters' access (the admin allows deleting only drafts and released campaigns anyway).
CAMPAIGNS_EDITOR = ("campaigns.add_*", "campaigns.change_*", "campaigns.view_*")


@dataclass(frozen=True)
class Role:
    grants: tuple[str, ...]
    denies: tuple[str, ...] = ()

    def allows(self, permission: str) -> bool:
        return any(fnmatchcase(permission, p) for p in self.grants) and not any(
            fnmatchcase(permission, p) for p in self.denies
        )


ROLE_PERMISSIONS: dict[str, Role] = {
    "admin": Role(
        grants=(
            *(f"{app}.*" for app in CONTENT_APPS),
            *(f"auth.{action}_{model}" for model in ("user", "group") for action in CRUD),
            "campaigns.*",
        )
    ),
    "editor": Role(
        grants=(
            *(f"{app}.{action}_*" for app in CONTENT_APPS for action in CRUD),
            "cases.view_restricted",
            *CAMPAIGNS_EDITOR,
        ),
        denies=(HISTORY,),
    ),
    "viewer": Role(
        grants=(
            *(f"{app}.view_*" for app in CONTENT_APPS),
            "cases.view_restricted",
            "campaigns.view_*",
        ),
        denies=(HISTORY,),
    ),
}


def sync_roles(apps=global_apps) -> dict[str, int]:
    """Create the role groups and give each exactly its permissions; returns counts by role.

    `apps` is the app registry to use: a migration passes its historical one.
    """
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    permissions = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in permission_model.objects.select_related("content_type")
    }
    counts = {}
    for name, role in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=name)
        granted = [p for key, p in permissions.items() if role.allows(key)]
        group.permissions.set(granted)
        counts[name] = len(granted)
    return counts


def assign_role(user, role: str) -> None:
    """Make `user` an organiser in `role`: staff (to sign in to the admin) and in its group only."""
    from django.contrib.auth.models import Group

    if role not in ROLE_PERMISSIONS:
        raise ValueError(f"Unknown role {role!r}; choose one of {', '.join(ROLE_PERMISSIONS)}.")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    if not Group.objects.filter(name=role).exists():
        sync_roles()  # the migration made them; a flushed database (tests) has lost them
    user.groups.remove(*Group.objects.filter(name__in=ROLE_PERMISSIONS).exclude(name=role))
    user.groups.add(Group.objects.get(name=role))
