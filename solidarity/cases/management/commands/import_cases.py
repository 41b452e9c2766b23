"""Import cases from JSON or CSV, all or nothing (see docs/data-format.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from solidarity.cases import interchange
from solidarity.core.progress import rich_track

MAX_PROBLEMS_SHOWN = 100


class Command(BaseCommand):
    help = (
        "Import cases from a JSON file, or from CSV (a ZIP, a directory of CSV files, or one "
        "people CSV). Every record is checked first; if any is wrong, nothing is written."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--format", choices=interchange.FORMATS, help="default: from the file name"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check everything, write nothing"
        )
        parser.add_argument("--no-progress", action="store_true", help="draw no progress bar")

    def handle(self, *args, path: Path, format=None, dry_run=False, **options) -> None:
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        track = rich_track(enabled=not options["no_progress"] and options["verbosity"] > 0)
        try:
            written = interchange.import_path(path, fmt=format, dry_run=dry_run, track=track)
        except interchange.ImportFailed as failure:
            self.stderr.write(failure.report(MAX_PROBLEMS_SHOWN))
            raise CommandError(
                f"{len(failure.problems)} problem(s) found; nothing was imported."
            ) from None
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {written.people_created} new and {written.people_updated} updated "
                f"people, {written.organisations} organisations and {written.records} "
                "related records." + (" Dry run: nothing was written." if dry_run else "")
            )
        )
