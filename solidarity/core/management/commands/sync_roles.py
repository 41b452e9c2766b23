"""Give the admin, editor and viewer groups exactly the permissions in core.roles."""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.core.management.base import BaseCommand

from solidarity.core.roles import sync_roles


class Command(BaseCommand):
    help = "Create or update the admin, editor and viewer groups from solidarity.core.roles."

    def handle(self, *args, **options) -> None:
        # A model added since the last migrate may not have its permissions yet.
        for app_config in apps.get_app_configs():
            create_permissions(app_config, verbosity=0)
        for role, count in sync_roles().items():
            self.stdout.write(f"{role}: {count} permissions")
