"""Load the demonstration data; running it again leaves the same data."""

from django.apps import apps
from django.core.management.base import BaseCommand

from solidarity.cases import demo


class Command(BaseCommand):
    help = (
        "Load (or reload) the demo case of Ales Bialiatski, fictional demo people and publications."
    )

    def handle(self, *args, **options) -> None:
        demo.load_demo()
        if apps.is_installed("solidarity.campaigns"):
            from solidarity.campaigns.demo import load_demo_campaign

            load_demo_campaign()
        counts = demo.demo_counts()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data loaded: {people} people, {organisations} organisations, "
                "{publications} publications.".format(**counts)
            )
        )
