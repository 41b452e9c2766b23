"""Benchmark the public pages under the production server, with nginx as the ceiling.

    .venv/bin/python benchmarks/pages.py            # or: make bench

Builds a fresh SQLite database in a temporary directory with 1,000 cases plus the demo case,
collects static files, starts the production server (`solidarity serve`, which runs granian)
on a loopback port, warms it up, and then, round after round, loads
with wrk (-t2 -c64, keep-alive, --latency):
  * the case page, /en/cases/<slug>/, rotating over --rotate slugs (a wrk Lua script),
  * the case list, /en/cases/,
  * the demo case page saved to a file and served by nginx with as many workers (the ceiling).
Reports medians over the rounds and the ratio Django/nginx, prints a table and writes JSON to
benchmarks/results/. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import nginx_ceiling
import seed_data
import servers
import wrk_runner
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
TARGET_RPS = 1000
TARGET_P99_MS = 50.0
console = Console()
LOAD_AT_START = os.getloadavg()


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000, help="cases besides the demo case")
    parser.add_argument("--runs", type=int, default=3, help="rounds; medians are reported")
    parser.add_argument("--seconds", type=int, default=15, help="length of each wrk run")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of warm-up per page")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections")
    parser.add_argument("--rotate", type=int, default=100, help="case pages to rotate over")
    parser.add_argument("--port", type=int, default=0, help="Django's port (0: a free one)")
    parser.add_argument("--nginx-port", type=int, default=0, help="nginx's port (0: a free one)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    return parser.parse_args()


def prepare_site(data_dir: Path, cases: int) -> tuple[dict[str, str], list[str], str]:
    """A fresh database with the cases; returns the server's environment, slugs, demo slug."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SOLIDARITY_PLAIN_STATIC", "DEBUG", "DATABASE_URL", "REDIS_URL"}
    }
    env |= {
        "SOLIDARITY_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "solidarity.settings",
        "PYTHONPATH": str(REPO),
        "LOG_LEVEL": "WARNING",
    }
    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_demo", verbosity=0)
    slugs = seed_data.create_cases(cases)
    # Django's own connection is closed, so the server processes own the database alone.
    from django.db import connections

    from solidarity.cases.demo import ALES as demo_slug

    connections.close_all()
    return env, slugs, demo_slug


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback only)
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}")
        return response.read()


def measure(label: str, url: str, args, script: Path | None = None) -> wrk_runner.WrkResult:
    result = wrk_runner.run(
        url,
        threads=args.threads,
        connections=args.connections,
        seconds=args.seconds,
        script=script,
    )
    console.print(
        f"  {label:<10} {result.requests_per_second:>9.0f} req/s   p50 {result.p50_ms:6.2f} ms"
        f"   p99 {result.p99_ms:6.2f} ms" + ("" if result.clean else "   [red]errors[/red]")
    )
    return result


def summarise(runs: list[wrk_runner.WrkResult]) -> dict:
    return {
        "requests_per_second": statistics.median(r.requests_per_second for r in runs),
        "p50_ms": statistics.median(r.p50_ms for r in runs),
        "p99_ms": statistics.median(r.p99_ms for r in runs),
        "clean": all(r.clean for r in runs),
        "runs": [r.as_dict() for r in runs],
    }


def report(summary: dict, args, server: dict) -> Path:
    nginx = summary["nginx"]
    table = Table(
        title=f"wrk -t{args.threads} -c{args.connections} -d{args.seconds}s, "
        f"median of {args.runs}; {server['server']}, {server['workers']} "
        f"{server.get('worker_class', '')} workers x {server['threads']} threads"
    )
    for column in ("page", "req/s", "p50 ms", "p99 ms", "vs nginx (req/s)", "clean"):
        table.add_column(column, justify="left" if column == "page" else "right")
    for name in ("case page", "case list", "nginx"):
        row = summary[name]
        ratio = row["requests_per_second"] / nginx["requests_per_second"]
        row["ratio_to_nginx"] = round(ratio, 3)
        table.add_row(
            name,
            f"{row['requests_per_second']:.0f}",
            f"{row['p50_ms']:.2f}",
            f"{row['p99_ms']:.2f}",
            f"{ratio:.1%}",
            "yes" if row["clean"] else "NO",
        )
    console.print(table)
    case = summary["case page"]
    met = (case["requests_per_second"] >= TARGET_RPS and case["p99_ms"] <= TARGET_P99_MS) and case[
        "clean"
    ]
    console.print(
        f"Target (case page >= {TARGET_RPS} req/s, p99 <= {TARGET_P99_MS:.0f} ms): "
        + ("[green]met[/green]" if met else "[red]missed[/red]")
    )
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"pages-{stamp}.json"
    path.write_text(
        json.dumps(
            {
                "when": stamp,
                "command": " ".join([Path(sys.executable).name, *sys.argv]),
                "settings": vars(args),
                "machine": {
                    "cpus": os.cpu_count(),
                    # Other work on the machine skews everything: look here before comparing.
                    "load_average_at_start": LOAD_AT_START,
                    "load_average_at_end": os.getloadavg(),
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                },
                "server": server,
                "target_met": met,
                "results": summary,
            },
            indent=2,
        )
    )
    return path


def main() -> int:
    args = arguments()
    if LOAD_AT_START[0] > 0.5:
        console.print(
            f"[yellow]The machine is busy (load {LOAD_AT_START[0]:.1f}): "
            "the figures will be low and noisy.[/yellow]"
        )
    data_dir = Path(tempfile.mkdtemp(prefix="solidarity-bench-"))
    try:
        console.print(f"Building {args.cases} cases in {data_dir} ...")
        env, slugs, demo_slug = prepare_site(data_dir, args.cases)
        rotated = [demo_slug, *slugs[: max(args.rotate - 1, 0)]]
        script = wrk_runner.rotation_script([f"/en/cases/{s}/" for s in rotated], data_dir)
        # `solidarity serve` runs granian with one worker process per core, one thread each.
        server = {
            "server": "solidarity serve (granian)",
            "workers": os.cpu_count() or 1,
            "threads": 1,
        }
        start = servers.django
        workers = int(server["workers"])
        django_port = args.port or servers.free_port()
        nginx_port = args.nginx_port or servers.free_port()
        with start(env, port=django_port, log=data_dir / "server.log") as site:
            case_url, list_url = f"{site}/en/cases/{demo_slug}/", f"{site}/en/cases/"
            html = fetch(case_url)
            fetch(list_url)
            with nginx_ceiling.serving(
                html, port=nginx_port, workers=workers, directory=data_dir
            ) as ceiling:
                if fetch(f"{ceiling}/en/cases/{demo_slug}/") != html:
                    raise RuntimeError("nginx does not serve the saved page.")
                console.print(f"Warming up ({args.warmup} s per page) ...")
                for url, warm_script in ((case_url, script), (list_url, None)):
                    wrk_runner.run(
                        url,
                        threads=args.threads,
                        connections=args.connections,
                        seconds=args.warmup,
                        script=warm_script,
                    )
                results: dict[str, list] = {"case page": [], "case list": [], "nginx": []}
                for round_number in range(1, args.runs + 1):
                    console.print(f"Round {round_number}/{args.runs}")
                    results["case page"].append(measure("case page", case_url, args, script))
                    results["case list"].append(measure("case list", list_url, args))
                    results["nginx"].append(measure("nginx", f"{ceiling}/", args))
        summary = {name: summarise(runs) for name, runs in results.items()}
        summary["case page"]["rotated_slugs"] = len(rotated)
        summary["case page"]["bytes"] = len(html)
        path = report(summary, args, server)
        console.print(f"Results written to {path.relative_to(REPO)}")
        return 0
    finally:
        if args.keep:
            console.print(f"Kept {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
