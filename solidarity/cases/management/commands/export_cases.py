"""Export cases as JSON or a ZIP of CSV files (see docs/data-format.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from solidarity.cases import interchange
from solidarity.core.progress import rich_track


class Command(BaseCommand):
    help = (
        "Export every case with all its records, restricted ones included unless "
        "--public-only. JSON is one document; CSV is a ZIP of one file per record type."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--format", choices=interchange.FORMATS, default="json")
        parser.add_argument(
            "--public-only",
            action="store_true",
            help="leave out restricted records and fields, as the public export does",
        )
        parser.add_argument(
            "-o", "--output", type=Path, help="file to write (default: standard output)"
        )
        parser.add_argument("--no-progress", action="store_true", help="draw no progress bar")

    def handle(self, *args, format: str, public_only: bool, output: Path | None, **options):
        if format == "csv" and output is None:
            raise CommandError("A CSV export is a ZIP file: name it with -o, e.g. -o cases.zip.")
        track = rich_track(enabled=not options["no_progress"] and options["verbosity"] > 0)
        include_restricted = not public_only
        if format == "csv":
            data = interchange.export_csv_zip(include_restricted=include_restricted, track=track)
        else:
            text = interchange.export_json(include_restricted=include_restricted, track=track)
            if output is None:
                self.stdout.write(text, ending="")
                return
            data = text.encode()
        output.write_bytes(data)
        self.stderr.write(f"Wrote {output} ({len(data)} bytes).")
