"""Re-encrypt every stored secret under the newest key of SOLIDARITY_SECRET_KEYS."""

from django.core.management.base import BaseCommand

from solidarity.core.secrets import rotate_all


class Command(BaseCommand):
    help = (
        "Re-encrypt every EncryptedTextField value under the newest key in "
        "SOLIDARITY_SECRET_KEYS. Run it after putting a new key first; drop the old key after."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options) -> None:
        counts = rotate_all(batch_size=batch_size)
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count} values re-encrypted")
        self.stdout.write(f"{sum(counts.values())} values re-encrypted in {len(counts)} models.")
