"""Create the admin, editor and viewer groups (see solidarity.core.roles)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

from solidarity.core.roles import sync_roles


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); create them now so
    # the groups can be given them on a fresh database.
    for label in ("auth", "cases", "publications"):
        create_permissions(global_apps.get_app_config(label), apps=apps, verbosity=0)
    sync_roles(apps)


def delete_roles(apps, schema_editor):
    from solidarity.core.roles import ROLE_PERMISSIONS

    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cases", "0001_initial"),
        ("publications", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]
