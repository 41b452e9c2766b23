"""Create an organiser account in one role: admin, editor or viewer."""

import getpass
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from solidarity.core import organisers


class Command(BaseCommand):
    help = (
        "Create an organiser (a staff user in the admin, editor or viewer group). The password "
        "is asked for, or read from --password-file."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("email")
        parser.add_argument("--role", choices=organisers.ROLES, default="editor")
        parser.add_argument(
            "--password-file",
            type=Path,
            help="read the password from this file's first line (for scripts and secrets)",
        )

    def handle(self, *args, username, email, role, password_file, **options) -> None:
        password = self._password(password_file)
        group_was_missing = not self._group_exists(role)
        try:
            organisers.create_organiser(username, email, role, password)
        except (ValueError, ValidationError) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            raise CommandError(" ".join(messages)) from None
        if group_was_missing:
            self.stderr.write(
                self.style.WARNING(
                    f"The {role!r} group did not exist and was created without permissions; "
                    "run `manage.py migrate` or `manage.py sync_roles` to give it its permissions."
                )
            )
        self.stdout.write(self.style.SUCCESS(f"Created {role} {username!r}."))

    def _group_exists(self, role: str) -> bool:
        from django.contrib.auth.models import Group

        return Group.objects.filter(name=role).exists()

    def _password(self, password_file: Path | None) -> str:
        if password_file is not None:
            lines = password_file.read_text().splitlines()
            if not lines or not lines[0]:
                raise CommandError(f"{password_file} holds no password on its first line.")
            return lines[0]
        if not sys.stdin.isatty():
            raise CommandError("No terminal to ask for a password; use --password-file.")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return password
