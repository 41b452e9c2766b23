"""The two senders the moment benchmark compares, each run in its own process.

    python benchmarks/moment_senders.py engine CAMPAIGN_ID --per-host 256
    python benchmarks/moment_senders.py baseline PLEDGES.json --moment EPOCH --threads 64

`engine` runs the platform's own moment (solidarity.campaigns.engine.moment.run_moment) on the
database named by the environment, exactly as the worker does once a campaign is armed: it
decrypts and composes before T, waits for T, and sends. `baseline` is what one would write
without it: Mastodon.py's `status_post`, one client per supporter, in a thread pool started
at T. Each prints one JSON line with its own peak RSS and CPU time, so the figures belong to
the sender alone, not to the benchmark around it or to the receiving servers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def peak_rss_mb() -> float:
    """This process's own high-water mark. Not ru_maxrss: Linux carries that across exec,
    so a child would report its parent's size if the parent was larger."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    raise RuntimeError("No VmHWM in /proc/self/status: peak RSS needs Linux.")


def own_usage() -> dict:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"peak_rss_mb": peak_rss_mb(), "cpu_seconds": usage.ru_utime + usage.ru_stime}


def run_engine(args: argparse.Namespace) -> dict:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "solidarity.settings")
    import django

    django.setup()
    from solidarity.campaigns.engine.moment import EngineSettings, Shard, run_moment

    settings = EngineSettings(**({"per_host_concurrency": args.per_host} if args.per_host else {}))
    shard = Shard.parse(args.shard)
    started = time.time()
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    if args.loop == "uvloop":
        import uvloop

        uvloop.run(run_moment(args.campaign, settings, shard=shard))
    else:
        asyncio.run(run_moment(args.campaign, settings, shard=shard))
    if args.profile:
        profiler.disable()
        profiler.dump_stats(args.profile)
    return {
        "started": started,
        "returned": time.time(),
        "per_host": settings.per_host_concurrency,
        **own_usage(),
    }


def run_baseline(args: argparse.Namespace) -> dict:
    from mastodon import Mastodon

    pledges = json.loads(Path(args.pledges).read_text())
    # Clients are made before T, as the engine prepares before T: only posting is timed.
    clients = [
        (
            Mastodon(
                access_token=pledge["token"],
                api_base_url=pledge["server"],
                version_check_mode="none",
                request_timeout=args.timeout,
            ),
            pledge,
        )
        for pledge in pledges
    ]

    def post(item) -> str:
        client, pledge = item
        try:
            client.status_post(
                pledge["text"],
                visibility="public",
                language=pledge["language"],
                idempotency_key=pledge["key"],
            )
        except Exception as error:  # counted, so a failing baseline cannot look fast
            return type(error).__name__
        return ""

    started = time.time()
    time.sleep(max(args.moment - time.time(), 0))
    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        errors = [error for error in pool.map(post, clients) if error]
    return {"started": started, "returned": time.time(), "errors": errors, **own_usage()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = parser.add_subparsers(dest="sender", required=True)
    engine = which.add_parser("engine")
    engine.add_argument("campaign", type=int)
    engine.add_argument("--per-host", type=int, help="default: the engine's own cap")
    engine.add_argument("--loop", choices=["asyncio", "uvloop"], default="uvloop")
    engine.add_argument("--shard", default="0/1", help="I/N: sender I of N processes")
    engine.add_argument("--profile", help="write cProfile stats of the whole run here")
    baseline = which.add_parser("baseline")
    baseline.add_argument("pledges", help="JSON list of {server, token, text, language, key}")
    baseline.add_argument("--moment", type=float, required=True, help="T, seconds since epoch")
    baseline.add_argument("--threads", type=int, default=64)
    baseline.add_argument("--timeout", type=float, default=15.0)
    args = parser.parse_args()
    result = run_engine(args) if args.sender == "engine" else run_baseline(args)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
