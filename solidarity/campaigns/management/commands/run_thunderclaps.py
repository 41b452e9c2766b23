"""The built-in Thunderclap worker: `solidarity manage run_thunderclaps`."""

import asyncio
import signal

from django.core.management.base import BaseCommand

from solidarity.campaigns.engine.moment import EngineSettings, Shard
from solidarity.campaigns.engine.worker import serve


class Command(BaseCommand):
    help = "Run Thunderclaps: close pledging, pre-flight checks, the moment, clean-up."

    def add_arguments(self, parser):
        parser.add_argument("--per-host", type=int, default=EngineSettings.per_host_concurrency)
        parser.add_argument("--request-timeout", type=float, default=EngineSettings.request_timeout)
        parser.add_argument(
            "--lease-seconds", type=float, default=EngineSettings.lease.total_seconds()
        )
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument(
            "--shard",
            type=Shard.parse,
            default=Shard(),
            help="I/N: sender I of N; the hosts of each moment are shared out among them",
        )

    def handle(self, *args, **options):
        from datetime import timedelta

        settings = EngineSettings(
            per_host_concurrency=options["per_host"],
            request_timeout=options["request_timeout"],
            lease=timedelta(seconds=options["lease_seconds"]),
        )

        async def main():
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
            await serve(stop, settings, options["interval"], options["shard"])

        try:
            import uvloop
        except ImportError:  # e.g. Windows: the standard loop works, only slower
            asyncio.run(main())
        else:
            # uvloop: about a sixth less CPU per request at the moment (benchmarks/README.md).
            uvloop.run(main())
