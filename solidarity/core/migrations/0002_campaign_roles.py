"""Give the roles their Thunderclap permissions (see solidarity.core.roles)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

from solidarity.core.roles import sync_roles


def sync_with_campaigns(apps, schema_editor):
    # As in 0001: permissions are normally made after all migrations; make them now.
    for label in ("auth", "cases", "publications", "campaigns"):
        create_permissions(global_apps.get_app_config(label), apps=apps, verbosity=0)
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_roles"),
        ("campaigns", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_with_campaigns, migrations.RunPython.noop)]
